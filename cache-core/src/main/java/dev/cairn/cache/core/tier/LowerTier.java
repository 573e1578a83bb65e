package dev.cairn.cache.core.tier;

import java.util.Iterator;
import java.util.List;

/**
 * The SPI of an authoritative tier below the memory tier, such as Cairn's MapDB disk tier.
 *
 * <p>The tier is inclusive: once the engine's write-behind buffer has flushed, the tier holds every
 * live entry and the memory tier holds a hot subset. The engine spreads keys over segments by hash
 * and names the segment in every call, so a tier can keep one store per segment and flush or
 * recover each on its own.
 *
 * <p>Threading: the engine calls {@link #write} for one segment from one thread at a time (that
 * segment's flush lane), but reads, key iteration and writes of different segments may run
 * concurrently. A read never sees a batch half applied if the tier commits batches atomically.
 *
 * <p>Expiration times are stored, not interpreted: the engine never serves an entry whose time has
 * passed, and the tier may purge such entries whenever it likes.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface LowerTier<K, V> extends AutoCloseable {

  /** A short name for statistics and messages, such as {@code "disk"}. */
  String name();

  /** Called once, before any other method, when the cache is built. */
  void open(TierContext context);

  /**
   * Called on the writer's thread, under the key's lock, before a value is buffered: a tier that
   * cannot store the value throws here, naming the value's class, so the put that brought it fails
   * and the cache stays unchanged, instead of a later flush failing forever. What it returns (its
   * serialized form, say) travels with the write as {@link TierWrite#prepared()}, so the work is
   * not done twice. The default prepares nothing.
   *
   * @throws IllegalArgumentException if the value cannot be stored by this tier
   */
  default Object prepare(K key, V value) {
    return null;
  }

  /** Returns the stored entry for the key, or {@code null} if there is none. */
  TierEntry<V> read(int segment, K key);

  /**
   * Applies a batch of changes to one segment, atomically if the tier can. When this returns
   * normally, the batch is as durable as the tier promises; when it throws, the engine keeps the
   * entries and retries the batch later, so applying a batch twice must be harmless. A tier that
   * applied part of the batch may say which part by throwing a {@link PartialBatchException}; only
   * the rest is then retried.
   */
  void write(int segment, List<TierWrite<K, V>> batch);

  /** Returns the keys stored in a segment, weakly consistent under concurrent writes. */
  Iterator<K> keys(int segment);

  /** Returns how many entries the tier stores, expired ones included. */
  long size();

  /**
   * Returns how many entries the tier has evicted to stay within a bound of its own since it
   * opened (not counting expired entries it purged); the engine adds them to the cache's
   * evictions. The default, for a tier without a bound, is 0.
   */
  default long evictionCount() {
    return 0;
  }

  /**
   * Returns the bytes the tier occupies on its medium (files, say), or -1 if it cannot tell; the
   * engine publishes it as a metric. Called from a metrics thread, so it must be cheap.
   */
  default long storedBytes() {
    return -1;
  }

  /** Removes every entry of a segment. */
  void clear(int segment);

  /**
   * Records the keys the memory tier holds, hottest first, so that the next cache opened over this
   * tier can refill its memory with them (a warm restart) instead of starting cold. The engine calls
   * this once, at a clean close: after the final flush succeeded and before {@link #close()}; never
   * after a failed flush, nor when warm restarts are turned off.
   *
   * <p>A tier that persists nothing can ignore it (the default). A persistent tier replaces its
   * previous snapshot. The snapshot is only a speed-up: the values stay in the tier, and warm-up
   * reads each one from it, so a stale or missing snapshot costs speed, never correctness. A failure
   * here is logged by the engine and does not stop the close.
   *
   * @param hottestFirst every key in memory at close, most likely to be used again first; never
   *     {@code null}, possibly empty
   */
  default void saveHotKeys(List<K> hottestFirst) {
  }

  /**
   * Returns the keys recorded by {@link #saveHotKeys} at the last clean close, hottest first, or an
   * empty list if there are none (the default, a tier that persists nothing, or a snapshot that was
   * lost or damaged: that is not an error). Called after {@link #open}; the engine refills its
   * memory tier from these keys in the background, hottest first, reading each value through the
   * normal read path, so a key removed since the snapshot is simply skipped.
   */
  default List<K> hotKeys() {
    return List.of();
  }

  /** Releases the tier's resources; the engine has flushed everything it had before calling. */
  @Override
  void close();
}
