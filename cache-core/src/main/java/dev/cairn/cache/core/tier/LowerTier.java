package dev.cairn.cache.core.tier;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SPI of a tier below the memory tier: Cairn's MapDB disk tier, a shared remote store, or
 * anything a module offers through a {@link TierProvider}. A tier is defined by the contract below
 * and by the conformance suite every tier runs ({@code LowerTierContract} in cache-core's
 * test-jar).
 *
 * <p><b>What a tier is.</b> The tier is authoritative and inclusive: once the engine's
 * write-behind buffer has flushed, the tier holds every live entry it did not evict or purge, and
 * the memory tier holds a hot subset. The engine spreads keys over segments with
 * {@link KeyPlacement} and names the segment in every call, so a local tier can keep one store per
 * segment and flush or recover each on its own; a shared tier stores by key alone (see
 * {@link KeyPlacement}).
 *
 * <p><b>Threading.</b> For one segment the engine calls {@link #write} from one thread at a time
 * (that segment's flush lane, or a writer writing through under back-pressure, never two at
 * once), and {@link #clear} only while no write of that segment runs. Reads, bulk reads, key
 * iteration, {@link #size} and writes of different segments may run concurrently with anything;
 * a read never sees a batch half applied if the tier applies batches atomically. The engine never
 * interrupts a thread inside a tier call, and calls nothing but {@link #close} once more after
 * close begins. A tier may call {@link TierContext#reportRemovals} from any thread, at any time
 * between {@link #open} and the end of {@link #close}.
 *
 * <p><b>Failures.</b> A tier reports a failure by throwing a {@link TierException} that says
 * whether trying again may help: a transient failure of {@link #write} is retried with
 * exponential back-off with the entries kept buffered; a permanent one is reported at once,
 * counted, and never retried for ever (see {@link TierException}). A failure of a read reaches the
 * caller of the cache operation. Any other unchecked exception counts as transient.
 *
 * <p><b>Expiry.</b> Expiration times are stored, not interpreted: the engine never serves an entry
 * whose time has passed ({@link TierEntry#NEVER_EXPIRES} for none), and the tier may purge such
 * entries whenever it likes, reporting them with {@link TierRemoval.Cause#EXPIRED}.
 *
 * <p><b>Bounds.</b> A tier may keep a bound of its own (entries, bytes; {@link #UNBOUNDED} for
 * none). What it evicts to stay within it must be reported with
 * {@link TierRemoval.Cause#EVICTED}: a bound on a tier is a bound on the cache, and the engine then
 * drops the keys from memory so that every reader agrees.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface LowerTier<K, V> extends AutoCloseable {

  /** The value of a bound that does not bound anything: {@link Long#MAX_VALUE}. */
  long UNBOUNDED = Long.MAX_VALUE;

  /** A short name for statistics and messages, such as {@code "disk"}. */
  String name();

  /**
   * Called once, before any other method, when the cache is built.
   *
   * @throws TierException if the tier cannot be opened (a permanent one, usually: the message
   *     names what is wrong and where)
   */
  void open(TierContext<K, V> context);

  /**
   * Called on the writer's thread, under the key's lock, before a value is buffered: a tier that
   * cannot store the value throws here, naming the value's class, so the put that brought it fails
   * and the cache stays unchanged, instead of a later flush failing for ever. What it returns (its
   * serialized form, say) travels with the write as {@link TierWrite#prepared()}, so the work is
   * not done twice. The default prepares nothing.
   *
   * @throws IllegalArgumentException if the value cannot be stored by this tier
   */
  default PreparedWrite prepare(K key, V value) {
    return null;
  }

  /**
   * Returns the stored entry for the key, or {@code null} if there is none.
   *
   * @throws TierException if the tier cannot be read
   */
  TierEntry<V> read(int segment, K key);

  /**
   * Reads several keys of one segment in one call: the engine's {@code getAll} costs one call per
   * segment, not one per key. Returns the entries found, by key; keys without an entry are left
   * out. The default reads the keys one by one; a tier with a round trip per call (a remote store)
   * or a per-call cost should override it.
   *
   * @throws TierException if the tier cannot be read
   */
  default Map<K, TierEntry<V>> readAll(int segment, Collection<? extends K> keys) {
    Map<K, TierEntry<V>> found = new LinkedHashMap<>();
    for (K key : keys) {
      TierEntry<V> entry = read(segment, key);
      if (entry != null) {
        found.put(key, entry);
      }
    }
    return found;
  }

  /**
   * Applies a batch of changes to one segment, atomically if the tier can. When this returns
   * normally, the batch is as durable as the tier promises; when it throws, the engine keeps the
   * entries and retries the batch later (unless the failure is a permanent {@link TierException}),
   * so applying a batch twice must be harmless. A tier that applied part of the batch may say
   * which part by throwing a {@link PartialBatchException}; only the rest is then retried.
   */
  void write(int segment, List<TierWrite<K, V>> batch);

  /** Returns the keys stored in a segment, weakly consistent under concurrent writes. */
  Iterator<K> keys(int segment);

  /** Returns how many entries the tier stores, expired ones not yet purged included. */
  long size();

  /**
   * Returns the bytes the tier occupies on its medium (files, say), or -1 if it cannot tell; the
   * engine publishes it as a metric. Called from a metrics thread, so it must be cheap.
   */
  default long storedBytes() {
    return -1;
  }

  /** Removes every entry of a segment; reports nothing (the engine clears memory itself). */
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

  /**
   * Keeps, with the tier's data, where the cache's coherence layer stopped following the copies
   * of the cache in other processes (see {@code Coherence}), so that the next cache opened over
   * this tier can catch up from there instead of dropping everything. Called once, at a clean
   * close, after the final flush succeeded, like {@link #saveHotKeys}. A tier that persists
   * nothing ignores it (the default).
   */
  default void saveCoherencePosition(String position) {
  }

  /**
   * Returns the position saved by {@link #saveCoherencePosition} at the last clean close and
   * forgets it durably, so that a crash after this open cannot resume from it again; {@code null}
   * if there is none (the default). Called once, after {@link #open}.
   */
  default String takeCoherencePosition() {
    return null;
  }

  /** Releases the tier's resources; the engine has flushed everything it had before calling. */
  @Override
  void close();
}
