package dev.cairn.cache.spring;

import dev.cairn.cache.jcache.CairnCacheManager;
import dev.cairn.cache.jcache.CairnCachingProvider;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

/**
 * Creates the caches declared under {@code cairn.cache.caches} in the JCache manager Spring Boot
 * opens for Spring's {@code JCacheCacheManager}, before Spring lists its caches. Runs after the
 * manager has created the caches of its configuration file ({@code spring.cache.jcache.config}),
 * so a cache declared in both places is refused rather than silently configured twice.
 */
final class DeclaredCaches implements JCacheManagerCustomizer {

  private static final String DEFAULTS = CairnCacheProperties.PREFIX + ".defaults";

  private final CairnCacheProperties properties;
  private final Environment environment;
  private final TierSections tiers;
  private final BeanFactory beans;

  DeclaredCaches(CairnCacheProperties properties, Environment environment, TierSections tiers,
      BeanFactory beans) {
    this.properties = properties;
    this.environment = environment;
    this.tiers = tiers;
    this.beans = beans;
  }

  @Override
  public void customize(CacheManager cacheManager) {
    Set<String> caches = new LinkedHashSet<>(properties.getCaches().keySet());
    caches.addAll(tiers.cacheNames());
    if (caches.isEmpty()) {
      return;
    }
    if (!(cacheManager instanceof CairnCacheManager)) {
      throw new InvalidCacheDeclarationException(CairnCacheProperties.PREFIX + ".caches",
          caches, "these caches need Cairn's JCache provider, but Spring Boot opened a "
              + cacheManager.getClass().getName() + " (another JSR-107 provider is on the class"
              + " path, or spring.cache.jcache.provider names one)",
          "Set spring.cache.jcache.provider=" + CairnCachingProvider.class.getName()
              + ", or remove the other provider", null);
    }
    for (TierSections.Section section : tiers.read(DEFAULTS).values()) {
      if (section.directory() != null) {
        throw new InvalidCacheDeclarationException(section.property() + "."
            + TierSections.DIRECTORY, section.directory(), "caches cannot share one directory",
            "Set " + CairnCacheProperties.PREFIX + ".directory instead: a base directory under"
                + " which each cache gets its own", null);
      }
    }
    List<String> created = new ArrayList<>();
    try {
      createAll(cacheManager, caches, created);
    } catch (RuntimeException e) {
      release(cacheManager, created, e);
      throw e;
    }
  }

  private void createAll(CacheManager cacheManager, Set<String> caches, List<String> created) {
    for (String name : caches) {
      String property = CacheDeclaration.propertyPrefix(name);
      property = property.substring(0, property.length() - 1);
      CacheDeclaration declaration = new CacheDeclaration(name, effective(property),
          properties.getDirectory(), tiers, beans);
      if (cacheManager.getCache(name) != null) {
        throw new InvalidCacheDeclarationException(property, null, "JCache manager "
            + cacheManager.getURI() + " has a cache of that name already: the configuration file"
            + " named by spring.cache.jcache.config declares it too, or another application"
            + " context open in this JVM declared it (JSR-107 shares one manager per URI and"
            + " class loader)", "Declare the cache in one place; in tests, close the other"
            + " context first (@DirtiesContext)", null);
      }
      try {
        cacheManager.createCache(name, declaration.configuration());
        created.add(name);
      } catch (CacheException e) {
        throw new InvalidCacheDeclarationException(property, null, "the cache could not be"
            + " created: " + e.getMessage(), "Check the cache's settings, above all its lower"
            + " tier's directory (one cache per directory, in one process at a time)", e);
      }
    }
  }

  /**
   * Undoes a start that failed half-way. Spring never sees the manager (its bean method threw), so
   * nothing else would close what was opened: the caches created here are closed, unlocking their
   * directories, and so is the manager if nothing else is in it. A manager holding other caches
   * (its file's, or another open context's) is left alone.
   */
  private static void release(CacheManager cacheManager, List<String> created,
      RuntimeException failure) {
    try {
      for (String name : created) {
        javax.cache.Cache<?, ?> cache = cacheManager.getCache(name);
        if (cache != null) {
          cache.close();
        }
      }
      if (!cacheManager.getCacheNames().iterator().hasNext()) {
        cacheManager.close();
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * The cache's settings: {@code cairn.cache.defaults} with the cache's block bound over them,
   * so the block overrides what it names and keeps the rest. The properties bean holds both
   * sections bound apart; binding the two onto one object is what merges them.
   */
  private CairnCacheProperties.CacheSpec effective(String cacheProperty) {
    Binder binder = Binder.get(environment);
    CairnCacheProperties.CacheSpec spec = new CairnCacheProperties.CacheSpec();
    binder.bind(DEFAULTS, Bindable.ofInstance(spec));
    ConfigurationPropertyName block = ConfigurationPropertyName.of(cacheProperty);
    if (isBound(binder, block.append("memory.maximum-entries"))
        || isBound(binder, block.append("memory.maximum-weight"))) {
      spec.resetMemory();
    }
    if (binder.bind(block.append("expiry"), Bindable.ofInstance(new CairnCacheProperties.Expiry()))
        .isBound()) {
      spec.resetExpiry();
    }
    binder.bind(block, Bindable.ofInstance(spec));
    return spec;
  }

  private static boolean isBound(Binder binder, ConfigurationPropertyName name) {
    return binder.bind(name, Bindable.of(String.class)).isBound();
  }
}
