package dev.cairn.cache.spring;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.metrics.CairnCacheMetrics;
import dev.cairn.cache.jcache.CairnCache;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.core.Ordered;

/**
 * Binds {@link CairnCacheMetrics} to every Spring cache that Cairn backs, so the application's
 * {@code MeterRegistry} gets Cairn's per-tier, write-behind, flush and lower-tier meters next to
 * the standard {@code cache.gets}, {@code cache.puts}, ... Spring Boot asks every provider in turn
 * and takes the first binder: this one comes first ({@link Ordered#HIGHEST_PRECEDENCE}), ahead
 * of Boot's generic JCache provider, whose meters read JMX and know nothing of tiers. Other
 * Spring caches get {@code null}, and so Boot's providers.
 */
public class CairnCacheMeterBinderProvider implements CacheMeterBinderProvider<JCacheCache>,
    Ordered {

  /** Creates the provider; Cairn's auto-configuration declares it as a bean. */
  public CairnCacheMeterBinderProvider() {
  }

  @Override
  public MeterBinder getMeterBinder(JCacheCache cache, Iterable<Tag> tags) {
    if (!(cache.getNativeCache() instanceof CairnCache<?, ?> cairn)) {
      return null;
    }
    return new CairnCacheMetrics(cairn.unwrap(TieredCache.class), tags);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
