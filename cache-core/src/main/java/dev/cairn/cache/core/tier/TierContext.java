package dev.cairn.cache.core.tier;

import dev.cairn.cache.core.CacheClock;
import java.util.Objects;

/**
 * What a lower tier is told when a cache opens it.
 *
 * @param cacheName the cache's name, for file names and error messages
 * @param segments how many segments the engine spreads keys over; every call names one of
 *     {@code 0 .. segments - 1}, and a key always maps to the same segment
 * @param clock the cache's clock, for purging expired entries
 */
public record TierContext(String cacheName, int segments, CacheClock clock) {

  /** Checks the arguments. */
  public TierContext {
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(clock, "clock");
    if (segments < 1) {
      throw new IllegalArgumentException("segments must be at least 1, was " + segments);
    }
  }
}
