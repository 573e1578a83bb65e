package dev.cairn.cache.spring;

import dev.cairn.cache.jcache.CairnCachingProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Backs Spring's cache abstraction with Cairn. Spring Boot's JCache support does the wiring (with
 * {@code @EnableCaching}, Spring's {@code CacheManager} is a {@link JCacheCacheManager} over the
 * JSR-107 manager of the one provider on the class path, Cairn's, and that manager is closed with
 * the context, which flushes every cache's write-behind buffers to its lower tier); this adds:
 *
 * <ul>
 *   <li>the caches declared under {@code cairn.cache} ({@link CairnCacheProperties}), created as
 *       the JSR-107 manager opens;
 *   <li>with Micrometer present, {@link CairnCacheMeterBinderProvider}, so every Cairn cache's
 *       meters reach the application's {@code MeterRegistry}.
 * </ul>
 *
 * <p>It runs before Boot's cache and cache-metrics auto-configurations, which look for the beans
 * it declares.
 */
@AutoConfiguration(before = {CacheAutoConfiguration.class, CacheMetricsAutoConfiguration.class})
@ConditionalOnClass({CairnCachingProvider.class, JCacheCacheManager.class})
@EnableConfigurationProperties(CairnCacheProperties.class)
public class CairnCacheAutoConfiguration {

  /** Creates the configuration; Spring Boot does, when the module is on the class path. */
  public CairnCacheAutoConfiguration() {
  }

  /**
   * Creates the caches of {@code cairn.cache.caches} in the JSR-107 manager, after refusing
   * unknown keys under {@code cairn.cache} (the properties bean lets the tiers' sections through,
   * and every other unknown key with them).
   */
  @Bean
  JCacheManagerCustomizer cairnCacheDeclarations(CairnCacheProperties properties,
      Environment environment, BeanFactory beanFactory) {
    TierSections tiers = new TierSections(environment, ClassUtils.getDefaultClassLoader());
    tiers.refuseUnknownKeys();
    return new DeclaredCaches(properties, environment, tiers, beanFactory);
  }

  /** Meters for Cairn caches, when Micrometer is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, CacheMeterBinderProvider.class})
  static class Metrics {

    @Bean
    @ConditionalOnMissingBean
    CairnCacheMeterBinderProvider cairnCacheMeterBinderProvider() {
      return new CairnCacheMeterBinderProvider();
    }
  }
}
