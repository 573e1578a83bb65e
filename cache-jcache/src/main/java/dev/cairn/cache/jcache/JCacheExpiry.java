package dev.cairn.cache.jcache;

import dev.cairn.cache.core.Expiry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * A JCache {@link ExpiryPolicy} as the engine's {@link Expiry}: the two mean the same thing, so
 * this only converts durations. A policy that throws is treated as JSR-107 says: a creation is
 * expired at once (the entry is not stored), an update or access leaves the expiry as it was.
 */
final class JCacheExpiry<K, V> implements Expiry<K, V> {

  private static final System.Logger LOG = System.getLogger(JCacheExpiry.class.getName());

  private final String cacheName;
  private final ExpiryPolicy policy;

  JCacheExpiry(String cacheName, ExpiryPolicy policy) {
    this.cacheName = cacheName;
    this.policy = policy;
  }

  @Override
  public Duration expireAfterCreate(K key, V value) {
    try {
      return convert(policy.getExpiryForCreation());
    } catch (RuntimeException e) {
      logFailure("getExpiryForCreation", e);
      return Duration.ZERO;
    }
  }

  @Override
  public Duration expireAfterUpdate(K key, V value) {
    try {
      return convert(policy.getExpiryForUpdate());
    } catch (RuntimeException e) {
      logFailure("getExpiryForUpdate", e);
      return null;
    }
  }

  @Override
  public Duration expireAfterAccess(K key, V value) {
    try {
      return convert(policy.getExpiryForAccess());
    } catch (RuntimeException e) {
      logFailure("getExpiryForAccess", e);
      return null;
    }
  }

  static Duration convert(javax.cache.expiry.Duration duration) {
    if (duration == null) {
      return null;
    }
    if (duration.isEternal()) {
      return ETERNAL;
    }
    if (duration.isZero()) {
      return Duration.ZERO;
    }
    return Duration.of(duration.getDurationAmount(), duration.getTimeUnit().toChronoUnit());
  }

  private void logFailure(String method, RuntimeException e) {
    LOG.log(Level.WARNING, () -> "The expiry policy " + policy.getClass().getName() + " of cache '"
        + cacheName + "' failed in " + method + "; " + ("getExpiryForCreation".equals(method)
            ? "the entry is treated as expired" : "the expiry is left as it was"), e);
  }
}
