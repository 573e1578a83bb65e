package dev.cairn.cache.core.tier;

import java.util.Objects;

/**
 * An entry as a lower tier stores it: the value and its absolute expiration time.
 *
 * @param value the value, never {@code null}
 * @param expiresAtMillis milliseconds since the epoch at which the entry expires, or
 *     {@link Long#MAX_VALUE} if it never does
 * @param <V> the value type
 */
public record TierEntry<V>(V value, long expiresAtMillis) {

  /** Checks that the value is present. */
  public TierEntry {
    Objects.requireNonNull(value, "value");
  }
}
