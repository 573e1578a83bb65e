package dev.cairn.cache.core;

import java.util.Map;
import java.util.Set;

/**
 * Preloads a cache from its system of record when the cache is built, so the first requests after
 * a deploy find the entries they need instead of all missing at once. Set it with
 * {@link TieredCacheBuilder#warmUpLoader}.
 *
 * <p>The cache calls {@link #keys()} once, then {@link #loadAll} with batches of those keys (see
 * {@link TieredCacheBuilder#warmUpBatchSize}), on its warm-up thread, after the refill from the
 * hot-key snapshot. A loaded value is stored only if the key has no value and was not written
 * since its batch was requested (a put, a remove or a {@code clear()} meanwhile wins over the
 * loader's possibly older read), exactly as by {@code putIfAbsent}: it goes to the lower tier like
 * any write, fires a created event, and counts no statistics.
 *
 * <p>If either method throws, warm-up logs the failure naming the cache, reports it through
 * {@link WarmUp#failure()}, and stops loading; the loader is not retried, and the cache works
 * as usual, loading nothing. Closing the cache waits for the batch being loaded (up to the close
 * timeout) without interrupting it, then stops.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WarmUpLoader<K, V> {

  /**
   * Returns the keys to preload, in the order to load them (most wanted first, if the set is
   * ordered). Without a lower tier, loading stops when the memory tier is full.
   */
  Set<K> keys();

  /**
   * Loads the values of a batch of keys from the system of record. Keys without a value are left
   * out of the result; keys outside the batch and {@code null} values are ignored.
   */
  Map<K, V> loadAll(Set<? extends K> batch);
}
