package dev.cairn.cache.core;

import java.util.concurrent.CompletionStage;

/**
 * Keeps a cache coherent with the copies of it that other processes hold: an invalidation bus (the
 * {@code cache-redis} module offers one over Redis). The cache tells it of every change it makes
 * to a key, and it tells the cache, through {@link TieredCache#invalidateLocally} and
 * {@link TieredCache#invalidateAllLocally}, of the changes the others made, so that their next read
 * here goes below or to the loader instead of serving a copy the others replaced.
 *
 * <p>Set with {@link TieredCacheBuilder#coherence}. The cache calls {@link #start} once it is
 * built, before it serves, and {@link #close} when it closes.
 *
 * @param <K> the key type
 */
public interface Coherence<K> {

  /**
   * Joins the cache to the others: called once, after the cache is built and before it serves any
   * operation. It may block, to catch up with changes made while this cache was away.
   *
   * @param cache the cache
   * @param savedPosition what {@link #close()} returned at the last clean close of a cache over the
   *     same persistent lower tier, kept by the tier; {@code null} if there is none (a first start,
   *     a crash, a tier that keeps nothing). Without it, a cache over a persistent tier cannot know
   *     what the others changed while it was away.
   */
  void start(TieredCache<K, ?> cache, String savedPosition);

  /**
   * Called under the key's lock after this cache changed the key: a put, a removal, a replace, an
   * entry processor's change, a value loaded and stored. Must not block; what it returns is waited
   * for by the writer once it has released the key's lock (a write that must not return before the
   * others were told, say); a completed stage when there is nothing to wait for. Not called for
   * what the cache drops on its own (expiry, evictions, warm-up) nor for what
   * {@link TieredCache#invalidateLocally} drops.
   */
  CompletionStage<?> changed(K key);

  /** Called while every key's lock is held, after {@link TieredCache#clear()}; as {@link #changed}. */
  CompletionStage<?> cleared();

  /**
   * Whether this cache's own tiers may serve reads: false while it is cut off from the others for
   * longer than it may be stale, so a read then misses (and a read-through loads without storing)
   * until it has caught up. Read on every read, so it must be cheap: a volatile read.
   */
  boolean localTiersCurrent();

  /**
   * Leaves the others: called at close, once no operation runs any more and before the final
   * flush, so that what was received is made durable with the rest. Must stop calling
   * {@link TieredCache#invalidateLocally} before it returns.
   *
   * @return where this cache stopped following the others, for the next {@link #start} over the
   *     same persistent tier to resume from; the cache has its lower tier keep it only if the
   *     final flush succeeded. {@code null} for none
   */
  String close();
}
