package dev.cairn.cache.core.tier;

import java.util.Objects;

/**
 * An entry as a lower tier stores it: the value and its absolute expiration time.
 *
 * @param value the value, never {@code null}
 * @param expiresAtMillis milliseconds since the epoch at which the entry expires, or
 *     {@link #NEVER_EXPIRES}
 * @param <V> the value type
 */
public record TierEntry<V>(V value, long expiresAtMillis) {

  /** The expiration time of an entry that never expires: {@link Long#MAX_VALUE}. */
  public static final long NEVER_EXPIRES = Long.MAX_VALUE;

  /** Checks that the value is present. */
  public TierEntry {
    Objects.requireNonNull(value, "value");
  }
}
