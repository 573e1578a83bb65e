package dev.cairn.cache.core.tier;

import dev.cairn.cache.core.CacheClock;
import java.util.List;
import java.util.Objects;

/**
 * What a lower tier is told when a cache opens it, and how it talks back.
 *
 * @param cacheName the cache's name, for file names and error messages
 * @param segments how many segments the engine spreads keys over; every call names one of
 *     {@code 0 .. segments - 1}, and a key always maps to the same segment, by
 *     {@link KeyPlacement} (see {@link #segmentOf})
 * @param clock the cache's clock, for purging expired entries
 * @param removals where the tier reports what it evicts or purges on its own; see
 *     {@link #reportRemovals}
 * @param <K> the key type
 * @param <V> the value type
 */
public record TierContext<K, V>(String cacheName, int segments, CacheClock clock,
    RemovalListener<K, V> removals) {

  /** Receives a tier's reports of entries it dropped on its own. */
  @FunctionalInterface
  public interface RemovalListener<K, V> {

    /** See {@link TierContext#reportRemovals}. */
    void removed(int segment, TierRemoval.Cause cause, List<TierRemoval<K, V>> removed);
  }

  /** Checks the arguments. */
  public TierContext {
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(removals, "removals");
    if (segments < 1) {
      throw new IllegalArgumentException("segments must be at least 1, was " + segments);
    }
  }

  /** A context whose removal reports go nowhere, for a tier used without a cache (tests, tools). */
  public static <K, V> TierContext<K, V> detached(String cacheName, int segments,
      CacheClock clock) {
    return new TierContext<>(cacheName, segments, clock, (segment, cause, removed) -> { });
  }

  /** Returns the version of the key placement this context uses: {@link KeyPlacement#VERSION}. */
  public int placementVersion() {
    return KeyPlacement.VERSION;
  }

  /** Returns the key's segment under this context's segment count. */
  public int segmentOf(K key) {
    return KeyPlacement.segmentOf(key, segments);
  }

  /**
   * Tells the engine that the tier dropped these entries of one segment on its own: evicted to stay
   * within a bound, or purged because they expired. A tier must report every such entry, or the
   * memory tier would go on serving keys the tier no longer holds and readers would disagree. Call
   * it once per batch of removals, from any thread, after the removals took effect (so a read of
   * the tier no longer finds them); it only queues the report and returns at once, so it may be
   * called while the tier holds its own locks. The engine then drops each key from memory under
   * the key's lock, unless a newer write of the key is pending or the tier holds the key again, and
   * publishes an {@code EVICTED} or {@code EXPIRED} event, counted in the statistics.
   */
  public void reportRemovals(int segment, TierRemoval.Cause cause,
      List<TierRemoval<K, V>> removed) {
    if (!removed.isEmpty()) {
      removals.removed(segment, cause, removed);
    }
  }
}
