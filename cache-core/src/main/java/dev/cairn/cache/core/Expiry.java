package dev.cairn.cache.core;

import java.time.Duration;

/**
 * Decides how long an entry lives, the way JSR-107's {@code ExpiryPolicy} does, so a JCache policy
 * maps onto it one to one.
 *
 * <p>Each method returns the time to live from now: {@link Duration#ZERO} (or a negative duration)
 * means the entry is expired at once, and {@code null} means "leave the expiration time as it is".
 * A duration too long to represent in milliseconds, such as {@link #ETERNAL}, never expires. For a
 * creation, {@code null} means eternal, since there is nothing to leave as it is.
 *
 * <p>The cache calls {@link #expireAfterAccess} on every read hit, so it must be cheap; a policy
 * that never changes expiry on access returns {@code null} and costs one call.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Expiry<K, V> {

  /** A duration that never expires. */
  Duration ETERNAL = Duration.ofSeconds(Long.MAX_VALUE);

  /** Time to live of an entry just created; {@code null} means eternal. */
  Duration expireAfterCreate(K key, V value);

  /** Time to live of an entry just replaced with {@code value}; {@code null} leaves it as it is. */
  Duration expireAfterUpdate(K key, V value);

  /** Time to live of an entry just read; {@code null} leaves it as it is. */
  Duration expireAfterAccess(K key, V value);

  /**
   * A policy that expires entries a fixed time after they were created or last written, and does
   * not change on reads.
   */
  static <K, V> Expiry<K, V> afterWrite(Duration timeToLive) {
    java.util.Objects.requireNonNull(timeToLive, "timeToLive");
    return new Expiry<>() {
      @Override public Duration expireAfterCreate(K key, V value) {
        return timeToLive;
      }

      @Override public Duration expireAfterUpdate(K key, V value) {
        return timeToLive;
      }

      @Override public Duration expireAfterAccess(K key, V value) {
        return null;
      }
    };
  }
}
