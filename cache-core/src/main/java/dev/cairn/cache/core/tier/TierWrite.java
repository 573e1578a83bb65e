package dev.cairn.cache.core.tier;

import java.util.Objects;

/**
 * One change in a batch handed to a lower tier: a value to store, or a removal (a tombstone) when
 * {@link #value()} is {@code null}. A batch holds at most one change per key: the latest.
 *
 * @param key the key, never {@code null}
 * @param value the value to store, or {@code null} to remove the key
 * @param expiresAtMillis milliseconds since the epoch at which a stored value expires, or
 *     {@link TierEntry#NEVER_EXPIRES}; meaningless for a removal
 * @param prepared what the tier's {@link LowerTier#prepare} returned for the value on the
 *     writer's thread (such as its serialized bytes), or {@code null}
 * @param <K> the key type
 * @param <V> the value type
 */
public record TierWrite<K, V>(K key, V value, long expiresAtMillis, PreparedWrite prepared) {

  /** Checks that the key is present. */
  public TierWrite {
    Objects.requireNonNull(key, "key");
  }

  /** A write with nothing prepared. */
  public TierWrite(K key, V value, long expiresAtMillis) {
    this(key, value, expiresAtMillis, null);
  }

  /** Returns whether this change removes the key. */
  public boolean isRemoval() {
    return value == null;
  }

  @Override
  public String toString() {
    // Values are left out on purpose: they may be private data and end up in logs.
    return (isRemoval() ? "remove(" : "put(") + key.getClass().getName() + ")";
  }
}
