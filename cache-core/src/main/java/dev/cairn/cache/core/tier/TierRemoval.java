package dev.cairn.cache.core.tier;

import java.util.Objects;

/**
 * An entry a tier dropped on its own, reported to the engine through
 * {@link TierContext#reportRemovals}: evicted to stay within the tier's bound, or purged because
 * its expiration time passed.
 *
 * @param key the key, never {@code null}
 * @param value the value the tier dropped, or {@code null} if the tier cannot tell it cheaply; the
 *     engine then publishes the value memory held, if any
 * @param <K> the key type
 * @param <V> the value type
 */
public record TierRemoval<K, V>(K key, V value) {

  /** Why a tier dropped an entry. */
  public enum Cause {
    /** To stay within a bound of the tier's own. */
    EVICTED,
    /** Its expiration time had passed. */
    EXPIRED
  }

  /** Checks that the key is present. */
  public TierRemoval {
    Objects.requireNonNull(key, "key");
  }

  @Override
  public String toString() {
    // Values are left out on purpose: they may be private data and end up in logs.
    return "TierRemoval[" + key.getClass().getName() + "]";
  }
}
