package dev.cairn.cache.core;

import static dev.cairn.cache.core.MemoryEntry.ETERNAL;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cairn.cache.core.tier.KeyPlacement;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.PreparedWrite;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierRemoval;
import dev.cairn.cache.core.tier.TierWrite;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A cache that stacks a bounded memory tier (Caffeine) over an optional authoritative lower tier,
 * such as Cairn's disk tier, flushed write-behind.
 *
 * <p><b>Atomicity.</b> Every operation on one key takes effect at a single instant, across all
 * tiers. One mechanism gives this: a striped lock per key hash, held for the whole operation. A
 * read that hits memory takes no lock: memory only ever holds the latest value, because writes and
 * promotions from below happen under the key's lock.
 *
 * <p><b>Tiers.</b> Reads go memory, then the write-behind buffer, then the lower tier; a hit below
 * memory is promoted into memory. Writes go to the buffer (coalesced per key; a removal is a
 * tombstone), then to memory; the buffer is flushed to the lower tier in batches. Since the lower
 * tier plus the buffer always hold every live entry, evicting from memory loses nothing. Without a
 * lower tier the cache is a plain bounded memory cache and evictions drop entries.
 *
 * <p><b>Expiry</b> follows JSR-107: see {@link Expiry}. Expiration times are stored with entries in
 * every tier, so they survive a restart, and an expired entry is never served. Expiry is checked
 * when an entry is read; an expired entry left unread in memory is dropped by the size bound.
 *
 * <p><b>Warm-up.</b> At a clean close the memory tier's keys are handed to the lower tier, hottest
 * first, and the next cache over that tier refills its memory from them in the background; a
 * {@link WarmUpLoader} can preload from the system of record too. See {@link #warmUp()}.
 *
 * <p>Create instances with {@link #builder(String)}. Null keys and values are rejected with a
 * {@link NullPointerException}; every operation on a closed cache throws
 * {@link IllegalStateException}.
 *
 * @param <K> the key type; its {@code hashCode} must be stable across restarts when a persistent
 *     lower tier is used, since it picks the key's segment
 * @param <V> the value type
 */
public final class TieredCache<K, V> implements Iterable<Map.Entry<K, V>>, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(TieredCache.class.getName());

  // Enough stripes that two keys rarely share one on a small machine, few enough to lock all.
  private static final int STRIPES = 256;

  private final String name;
  private final Cache<K, MemoryEntry<V>> memory;
  private final ConcurrentMap<K, MemoryEntry<V>> memoryMap;
  private final LowerTier<K, V> lower;
  private final WriteBehind<K, V> writeBehind;
  // The lower tier's eviction and expiry reports, reconciled with memory; null without a tier.
  private final TierRemovals<K, V> tierRemovals;
  private final int segments;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private final Expiry<? super K, ? super V> expiry;
  private final CacheClock clock;
  private final EventDispatcher<K, V> events;
  private final StatisticsCounters stats = new StatisticsCounters();
  private final Duration closeTimeout;
  private final boolean warmRestart;
  private final WarmUpLoader<K, V> warmUpLoader;
  private final int warmUpBatchSize;
  private final WarmUp warmUp;
  // Set once by start() on the building thread, read by close() on any thread.
  private volatile Warmer<K, V> warmer;
  // The keys of the warm-up loader's batch in flight, mapped to whether a write op has touched
  // them since the batch was requested; null when no batch is out. Read by every write op.
  private volatile ConcurrentHashMap<K, Boolean> keysBeingLoaded;
  // Read on every operation; switching statistics at run time is a JSR-107 management feature.
  private volatile boolean statisticsEnabled;
  private volatile boolean closed;

  TieredCache(TieredCacheBuilder<K, V> builder) {
    this.name = builder.name;
    this.expiry = builder.expiry;
    this.clock = builder.clock;
    this.segments = builder.writeBehind.segments();
    this.statisticsEnabled = builder.statisticsEnabled;
    this.closeTimeout = builder.writeBehind.closeTimeout();
    this.warmRestart = builder.warmRestart;
    this.warmUpLoader = builder.warmUpLoader;
    this.warmUpBatchSize = builder.warmUpBatchSize;
    this.warmUp = new WarmUp(name);
    this.events = new EventDispatcher<>(name, builder.eventExecutor);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    this.memory = builder.buildMemoryTier(this::onMemoryEviction);
    this.memoryMap = memory.asMap();
    this.lower = builder.lowerTier;
    if (lower == null) {
      this.writeBehind = null;
      this.tierRemovals = null;
    } else {
      this.writeBehind = new WriteBehind<>(name, "the " + lower.name() + " tier", lower::write,
          builder.writeBehind);
      this.tierRemovals = new TierRemovals<>(name, this::reconcile, writeBehind.background());
      this.writeBehind.onWritesLost(this::dropLostWrites);
      this.writeBehind.afterBatch(tierRemovals::batchWritten);
    }
  }

  void start() {
    if (lower != null) {
      lower.open(new TierContext<>(name, segments, clock, tierRemovals));
      writeBehind.start();
    }
    startWarmUp();
  }

  private void startWarmUp() {
    List<K> hotKeys = List.of();
    if (lower != null && warmRestart) {
      try {
        hotKeys = List.copyOf(lower.hotKeys());
      } catch (RuntimeException e) {
        warmUp.fail(e);
        LOG.log(Level.WARNING, () -> "Cache '" + name + "' could not read the hot keys of its "
            + lower.name() + " tier and starts with a cold memory tier", e);
      }
    }
    if (hotKeys.isEmpty() && warmUpLoader == null) {
      warmUp.finish();
      return;
    }
    Warmer<K, V> started = new Warmer<>(this, hotKeys, warmUpLoader, warmUpBatchSize, warmUp);
    warmer = started;
    started.start();
  }

  /** Starts building a cache with the given name, used in metrics, logs and error messages. */
  public static <K, V> TieredCacheBuilder<K, V> builder(String name) {
    return new TieredCacheBuilder<>(name);
  }

  /** Returns the cache's name. */
  public String name() {
    return name;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Returns the value for the key, or {@code null}. A memory hit takes no lock and allocates
   * nothing; a miss looks below memory under the key's lock and promotes what it finds.
   */
  public V get(K key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    boolean statistics = statisticsEnabled;
    long start = statistics ? System.nanoTime() : 0L;
    MemoryEntry<V> entry = memory.getIfPresent(key);
    V value;
    Duration access = null;
    if (entry != null && !isExpired(entry.expiresAt())
        && (expiry == null || (access = expiry.expireAfterAccess(key, entry.value())) == null)) {
      value = entry.value();
      if (statistics) {
        stats.hits.increment();
        stats.memoryHits.increment();
      }
    } else {
      Duration accessed = access;
      value = withKey(key, slot -> slot.get(entry, accessed));
    }
    if (statistics) {
      stats.getNanos.add(System.nanoTime() - start);
    }
    return value;
  }

  /**
   * Returns the values found for the keys, in the order of the set; keys without a value are left
   * out. Each key is read atomically, as {@link #get} reads it, and counted as one hit or miss; the
   * keys that miss memory are read from the lower tier with one bulk read per segment, under the
   * locks of that segment's keys.
   */
  public Map<K, V> getAll(Set<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
    }
    checkOpen();
    if (lower == null) {
      Map<K, V> found = new LinkedHashMap<>();
      for (K key : keys) {
        V value = get(key);
        if (value != null) {
          found.put(key, value);
        }
      }
      return found;
    }
    boolean statistics = statisticsEnabled;
    long start = statistics ? System.nanoTime() : 0L;
    Map<K, V> read = new java.util.HashMap<>();
    Map<Integer, List<K>> missesBySegment = new java.util.TreeMap<>();
    for (K key : keys) {
      MemoryEntry<V> entry = memory.getIfPresent(key);
      if (entry != null && !isExpired(entry.expiresAt())
          && (expiry == null || expiry.expireAfterAccess(key, entry.value()) == null)) {
        read.put(key, entry.value());
        if (statistics) {
          stats.hits.increment();
          stats.memoryHits.increment();
        }
      } else {
        missesBySegment.computeIfAbsent(segmentOf(spread(key.hashCode()), segments),
            segment -> new ArrayList<>()).add(key);
      }
    }
    missesBySegment.forEach((segment, misses) -> read.putAll(readBelow(segment, misses)));
    Map<K, V> found = new LinkedHashMap<>();
    for (K key : keys) {
      V value = read.get(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    if (statistics) {
      stats.getNanos.add(System.nanoTime() - start);
    }
    return found;
  }

  /**
   * getAll's keys of one segment that missed memory: under all their locks (taken in stripe order,
   * as {@link #withAllKeys} takes them, so two such reads never deadlock), the ones neither in
   * memory nor pending are read from the lower tier in one call, then each key runs {@code get}'s
   * read path on what was found.
   */
  private Map<K, V> readBelow(int segment, List<K> keys) {
    int[] stripeIndexes = keys.stream().mapToInt(key -> spread(key.hashCode()) & (STRIPES - 1))
        .distinct().sorted().toArray();
    int locked = 0;
    Map<K, V> found = new java.util.HashMap<>();
    try {
      for (; locked < stripeIndexes.length; locked++) {
        stripes[stripeIndexes[locked]].lock();
      }
      checkOpen();
      List<K> toRead = new ArrayList<>(keys.size());
      for (K key : keys) {
        if (!memoryMap.containsKey(key) && writeBehind.pending(segment, key) == null) {
          toRead.add(key);
        }
      }
      Map<K, TierEntry<V>> below = toRead.isEmpty() ? Map.of() : lower.readAll(segment, toRead);
      Set<K> read = new java.util.HashSet<>(toRead);
      for (K key : keys) {
        Slot slot = new Slot(key, segment, false);
        if (read.contains(key)) {
          slot.prefetched(below.get(key));
        }
        V value = slot.get(null, null);
        if (value != null) {
          found.put(key, value);
        }
      }
    } catch (RuntimeException | Error failure) {
      unlock(stripeIndexes, locked);
      try {
        events.awaitSynchronous();
      } catch (RuntimeException | Error listenerFailure) {
        failure.addSuppressed(listenerFailure);
      }
      throw failure;
    }
    unlock(stripeIndexes, locked);
    events.awaitSynchronous();
    return found;
  }

  private void unlock(int[] stripeIndexes, int locked) {
    for (int i = 0; i < locked; i++) {
      stripes[stripeIndexes[i]].unlock();
    }
  }

  /** Returns whether the cache holds a value for the key; counts no statistics, promotes nothing. */
  public boolean containsKey(K key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    MemoryEntry<V> entry = memory.getIfPresent(key);
    if (entry != null && !isExpired(entry.expiresAt())) {
      return true;
    }
    return withKey(key, slot -> slot.load(false) != null);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores the value, replacing any other. When neither an expiry policy nor a listener needs to
   * know whether this creates or updates the entry, the old value is not read, which spares a
   * lower-tier read for keys not in memory.
   */
  public void put(K key, V value) {
    Objects.requireNonNull(value, "value");
    timedPut(key, slot -> {
      if (expiry != null || events.hasListeners()) {
        slot.load(false);
      }
      return slot.store(value);
    });
  }

  /** Stores every mapping, one key at a time; each key is atomic, the whole is not. */
  public void putAll(Map<? extends K, ? extends V> map) {
    Objects.requireNonNull(map, "map");
    map.forEach((key, value) -> {
      Objects.requireNonNull(key, "a key in map");
      Objects.requireNonNull(value, "a value in map");
    });
    checkOpen();
    map.forEach(this::put);
  }

  /** Stores the value unless the key has one; returns whether it stored. */
  public boolean putIfAbsent(K key, V value) {
    Objects.requireNonNull(value, "value");
    return timedPut(key, slot -> {
      if (slot.load(false) != null) {
        slot.countHit();
        return false;
      }
      slot.countMiss();
      return slot.store(value);
    });
  }

  /** Stores the value and returns the one it replaced, or {@code null}. */
  public V getAndPut(K key, V value) {
    Objects.requireNonNull(value, "value");
    return timedPut(key, slot -> {
      V old = slot.load(true);
      slot.countGet(old);
      slot.store(value);
      return old;
    });
  }

  /** Replaces the value if the key has one; returns whether it did. */
  public boolean replace(K key, V value) {
    Objects.requireNonNull(value, "value");
    return timedPut(key, slot -> {
      V old = slot.load(true);
      slot.countGet(old);
      return old != null && slot.store(value);
    });
  }

  /** Replaces the value if the key holds {@code oldValue}; returns whether it did. */
  public boolean replace(K key, V oldValue, V newValue) {
    Objects.requireNonNull(oldValue, "oldValue");
    Objects.requireNonNull(newValue, "newValue");
    return timedPut(key, slot -> {
      V current = slot.load(true);
      slot.countGet(current);
      if (current == null) {
        return false;
      }
      if (!current.equals(oldValue)) {
        slot.touch();
        return false;
      }
      return slot.store(newValue);
    });
  }

  /** Replaces the value if the key has one; returns the value replaced, or {@code null}. */
  public V getAndReplace(K key, V value) {
    Objects.requireNonNull(value, "value");
    return timedPut(key, slot -> {
      V old = slot.load(true);
      slot.countGet(old);
      if (old != null) {
        slot.store(value);
      }
      return old;
    });
  }

  /** Removes the key's value; returns whether there was one. */
  public boolean remove(K key) {
    return timedRemove(key, slot -> slot.load(false) != null && slot.delete());
  }

  /** Removes the key's value if it equals {@code value}; returns whether it did. */
  public boolean remove(K key, V value) {
    Objects.requireNonNull(value, "value");
    return timedRemove(key, slot -> {
      V current = slot.load(true);
      slot.countGet(current);
      if (current == null) {
        return false;
      }
      if (!current.equals(value)) {
        slot.touch();
        return false;
      }
      return slot.delete();
    });
  }

  /** Removes the key's value and returns it, or {@code null}. */
  public V getAndRemove(K key) {
    return timedRemove(key, slot -> {
      V old = slot.load(true);
      slot.countGet(old);
      if (old != null) {
        slot.delete();
      }
      return old;
    });
  }

  /**
   * Runs an entry processor atomically on the key, across every tier: the read-modify-write that
   * JCache entry processors run on. If the processor throws, the cache is unchanged and the
   * exception reaches the caller. Statistics count as JSR-107 counts an invoke: the lookup of the
   * key is one hit or miss, whatever the processor reads, and its change a put or a removal.
   */
  public <R> R invoke(K key, EntryProcessor<K, V, R> processor) {
    return process(key, true, processor);
  }

  /**
   * Runs an entry processor atomically on the key, as {@link #invoke} does, but counts only what
   * the processor does: a hit or miss when it reads the value with
   * {@link MutableEntry#getValue()}, nothing for {@link MutableEntry#exists()}, and a put or a
   * removal for its change. For layers that build their own operations on the engine (a
   * write-through put that calls a writer under the key's lock, say) and must count like the
   * engine's own operations.
   */
  public <R> R update(K key, EntryProcessor<K, V, R> processor) {
    return process(key, false, processor);
  }

  private <R> R process(K key, boolean countLookup, EntryProcessor<K, V, R> processor) {
    Objects.requireNonNull(processor, "processor");
    markWritten(key);
    boolean statistics = statisticsEnabled;
    long start = statistics ? System.nanoTime() : 0L;
    List<ProcessedEntry<K, V>> processed = new ArrayList<>(1);
    R result = withKey(key, slot -> {
      ProcessedEntry<K, V> entry = new ProcessedEntry<>(slot, countLookup);
      processed.add(entry);
      return entry.run(processor);
    });
    if (statistics) {
      var counter = processed.get(0).timeCounter(stats);
      if (counter != null) {
        counter.add(System.nanoTime() - start);
      }
    }
    return result;
  }

  /**
   * Atomically computes a new value from the current one ({@code null} if none); a {@code null}
   * result removes the entry. Returns the new value.
   */
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
    Objects.requireNonNull(remapping, "remapping");
    return invoke(key, entry -> {
      V next = remapping.apply(entry.getKey(), entry.getValue());
      if (next == null) {
        entry.remove();
      } else {
        entry.setValue(next);
      }
      return next;
    });
  }

  /**
   * Removes every entry from every tier, firing no events. Other operations wait meanwhile: this
   * takes every key's lock.
   */
  public void clear() {
    checkOpen();
    reconcileTierRemovals();
    ConcurrentHashMap<K, Boolean> loading = keysBeingLoaded;
    if (loading != null) {
      loading.replaceAll((key, written) -> Boolean.TRUE);
    }
    withAllKeys(() -> {
      if (writeBehind != null) {
        writeBehind.withAllLanes(() -> {
          writeBehind.clearBuffers();
          for (int segment = 0; segment < segments; segment++) {
            lower.clear(segment);
          }
        });
      }
      memory.invalidateAll();
    });
  }

  // ---------------------------------------------------------------- whole cache

  /**
   * Iterates over the live entries of every tier, each key once. Weakly consistent: it reflects
   * some of the changes made while it runs. Each entry returned counts as a hit and as an access
   * for expiry; entries read from below are not promoted. {@link Iterator#remove()} removes the last key returned.
   */
  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    checkOpen();
    reconcileTierRemovals();
    return new CacheIterator<>(this, lower == null ? null : writeBehind, lower, segments,
        memoryMap.keySet());
  }

  /**
   * Returns the keys of every tier, each once, weakly consistent like {@link #iterator()}. Reads no
   * values, counts no statistics and promotes nothing, so a key whose entry expired or was removed
   * while the walk ran may still appear.
   */
  public Iterator<K> keys() {
    checkOpen();
    reconcileTierRemovals();
    CacheIterator<K, V> walk = new CacheIterator<>(this, writeBehind, lower, segments,
        memoryMap.keySet());
    return new Iterator<>() {
      @Override public boolean hasNext() {
        return walk.hasNextKey();
      }

      @Override public K next() {
        return walk.nextKey();
      }
    };
  }

  /**
   * Reads one key for the iterator: counts a hit and, as JSR-107 says of iteration, an access for
   * expiry; promotes nothing. {@code null} if gone.
   */
  V readForIteration(K key) {
    V value = withKey(key, slot -> {
      V found = slot.load(false);
      slot.touch();
      return found;
    });
    if (value != null && statisticsEnabled) {
      stats.hits.increment();
    }
    return value;
  }

  /** Counts the live entries exactly; with a lower tier this reads every key, so it is slow. */
  public long size() {
    checkOpen();
    reconcileTierRemovals();
    long count = 0;
    CacheIterator<K, V> keys = new CacheIterator<>(this, writeBehind, lower, segments,
        memoryMap.keySet());
    while (keys.hasNextKey()) {
      K key = keys.nextKey();
      if (withKey(key, slot -> slot.load(false)) != null) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns a quick estimate of the entries held: the memory tier's count, or, with a lower tier,
   * its count plus the pending writes. Expired entries not yet dropped are included.
   */
  public long estimatedSize() {
    return lower == null ? memory.estimatedSize() : lower.size() + writeBehind.pendingCount();
  }

  /** Returns how many entries the memory tier holds now (its weighted size if bounded by weight). */
  public long memoryTierSize() {
    memory.cleanUp();
    return memory.policy().eviction()
        .map(eviction -> eviction.weightedSize().orElse(memory.estimatedSize()))
        .orElse(memory.estimatedSize());
  }

  /**
   * Returns the progress of the warm-up that began when the cache was built: a refill of the memory
   * tier from the lower tier's hot keys (saved at the last clean close; see
   * {@link TieredCacheBuilder#warmRestart}), hottest first, then the
   * {@link TieredCacheBuilder#warmUpLoader warm-up loader}'s preload. It runs on one background
   * daemon thread named {@code cairn-warmup-<name>}; reads and writes work meanwhile, and a key
   * not yet warmed is read from the lower tier as usual. Warm-up takes each key's lock like every
   * other operation, puts an entry into memory only if memory has none (so it never overwrites a
   * newer write), skips expired entries, counts no statistics, stops when memory is full, and
   * stops when the cache closes. With nothing to warm the handle is done at once.
   */
  public WarmUp warmUp() {
    return warmUp;
  }

  /**
   * Makes every write acknowledged before this call durable in the lower tier: returns only once
   * the lower tier has accepted each of them (or a later write of the same key). Without a lower
   * tier this does nothing.
   *
   * @throws CacheWriteException if the lower tier refused a batch; the entries stay buffered and
   *     are retried in the background. Or if it refused writes permanently: those were dropped,
   *     and their keys read as the lower tier holds them once this is thrown.
   */
  public void flush() {
    checkOpen();
    if (writeBehind != null) {
      try {
        writeBehind.flush();
      } finally {
        // Also when the flush throws: the writes it dropped for good must have left memory before
        // the caller hears of them, or a read right after would still find them there.
        reconcileTierRemovals();
      }
    }
  }

  /**
   * Stops warm-up, flushes every buffered write to the lower tier, hands it the memory tier's keys
   * hottest first for the next warm restart (only when the flush succeeded), and closes it. A lower
   * tier that keeps failing is retried until the close timeout, after which the entries still
   * buffered are reported lost in the {@link CacheWriteException} thrown. Closing twice does
   * nothing.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    boolean flushed = false;
    Warmer<K, V> running = warmer;
    // Waiting for warm-up is a courtesy: an interrupt then must not cost the final flush, so the
    // flag is restored after it.
    boolean interrupted = running != null && running.stop(closeTimeout);
    if (tierRemovals != null) {
      tierRemovals.stop();
    }
    try {
      if (writeBehind != null) {
        writeBehind.close(closeTimeout);
      }
      flushed = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheWriteException("Interrupted while closing cache '" + name + "'; "
          + writeBehind.pendingCount() + " buffered entries were not written", e);
    } finally {
      if (lower != null) {
        try {
          if (flushed && warmRestart) {
            saveHotKeys();
          }
        } finally {
          lower.close();
        }
      }
      memory.invalidateAll();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Hands the lower tier every unexpired key in memory, hottest first (Caffeine's retention order).
   * A count limit, not a weight limit: memory is bounded already, so all of it is the working set,
   * whichever bound applies; the refill stops at the bound again.
   */
  private void saveHotKeys() {
    try {
      memory.cleanUp(); // reads still in Caffeine's buffers count towards the order
      long now = clock.currentTimeMillis();
      int limit = (int) Math.min(Integer.MAX_VALUE, memory.estimatedSize());
      List<K> hottest = new ArrayList<>(limit);
      memory.policy().eviction().ifPresent(eviction -> eviction.hottest(limit)
          .forEach((key, entry) -> {
            if (!entry.isExpired(now)) {
              hottest.add(key);
            }
          }));
      lower.saveHotKeys(hottest);
    } catch (RuntimeException e) {
      // Only a speed-up: every value is flushed already, so the close goes on.
      LOG.log(Level.WARNING, () -> "Cache '" + name + "' could not save its hot keys to the "
          + lower.name() + " tier; the next start refills memory on demand instead", e);
    }
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- events and statistics

  /**
   * Registers a listener for the given kinds of event. A synchronous listener has received the
   * events of an operation before the operation returns, and an exception it throws reaches the
   * caller; an asynchronous one is called later on the event executor and its exceptions are
   * logged. Either way, events of one key arrive in the order the operations took effect.
   */
  public ListenerRegistration registerListener(CacheEventListener<K, V> listener,
      Set<EventType> types, boolean synchronous) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(types, "types");
    if (types.isEmpty()) {
      throw new IllegalArgumentException("types is empty: name at least one EventType to listen to");
    }
    return events.register(listener, types, synchronous)::run;
  }

  /** Registers a listener for every kind of event; see the other overload. */
  public ListenerRegistration registerListener(CacheEventListener<K, V> listener,
      boolean synchronous) {
    return registerListener(listener, EnumSet.allOf(EventType.class), synchronous);
  }

  /**
   * Returns a snapshot of the statistics, after letting the memory tier finish its pending upkeep
   * so that the evictions it owes are counted.
   */
  public CacheStatistics statistics() {
    memory.cleanUp();
    return stats.snapshot(writeBehind);
  }

  /** Resets the statistics counters to zero. */
  public void clearStatistics() {
    stats.reset();
  }

  /** Turns statistics on or off; when off, operations read no clock for them and count nothing. */
  public void setStatisticsEnabled(boolean enabled) {
    this.statisticsEnabled = enabled;
  }

  /** Returns whether statistics are being counted. */
  public boolean isStatisticsEnabled() {
    return statisticsEnabled;
  }

  /** Returns the lower tier's name, or {@code null} for a memory-only cache. */
  public String lowerTierName() {
    return lower == null ? null : lower.name();
  }
  /**
   * Returns the bytes the lower tier occupies on its medium, or -1 without a lower tier, when the
   * tier cannot tell, or once the cache is closed.
   */
  public long lowerTierStoredBytes() {
    return lower == null || closed ? -1 : lower.storedBytes();
  }


  @Override
  public String toString() {
    return "TieredCache[" + name + (lower == null ? ", memory only" : ", over " + lower.name())
        + "]";
  }

  // ---------------------------------------------------------------- internals

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private boolean isExpired(long expiresAt) {
    return expiresAt != ETERNAL && expiresAt <= clock.currentTimeMillis();
  }

  private <R> R timedPut(K key, Function<Slot, R> body) {
    markWritten(key);
    boolean statistics = statisticsEnabled;
    long start = statistics ? System.nanoTime() : 0L;
    R result = withKey(key, body);
    if (statistics) {
      stats.putNanos.add(System.nanoTime() - start);
    }
    return result;
  }

  private <R> R timedRemove(K key, Function<Slot, R> body) {
    markWritten(key);
    boolean statistics = statisticsEnabled;
    long start = statistics ? System.nanoTime() : 0L;
    R result = withKey(key, body);
    if (statistics) {
      stats.removeNanos.add(System.nanoTime() - start);
    }
    return result;
  }

  /** Runs {@code body} under the key's lock, then waits for synchronous listeners. */
  private <R> R withKey(K key, Function<Slot, R> body) {
    return withKey(key, false, body);
  }

  /** As {@link #withKey(Object, Function)}; a {@code quiet} slot counts no statistics. */
  private <R> R withKey(K key, boolean quiet, Function<Slot, R> body) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    int hash = spread(key.hashCode());
    ReentrantLock lock = stripes[hash & (STRIPES - 1)];
    R result;
    lock.lock();
    try {
      result = body.apply(new Slot(key, segmentOf(hash, segments), quiet));
    } catch (RuntimeException | Error failure) {
      lock.unlock();
      try {
        events.awaitSynchronous();
      } catch (RuntimeException | Error listenerFailure) {
        failure.addSuppressed(listenerFailure);
      }
      throw failure;
    }
    lock.unlock();
    events.awaitSynchronous();
    return result;
  }

  private void withAllKeys(Runnable action) {
    int locked = 0;
    try {
      for (; locked < STRIPES; locked++) {
        stripes[locked].lock();
      }
      action.run();
    } finally {
      for (int i = 0; i < locked; i++) {
        stripes[i].unlock();
      }
    }
  }

  // ---------------------------------------------------------------- warm-up's operations

  /** Warm-up: promotes the key's entry from below if memory has none; see {@link Slot#refill}. */
  void refill(K key) {
    withKey(key, true, Slot::refill);
  }

  /** Warm-up: stores a loaded value as {@link Slot#storeLoaded} says; returns whether it did. */
  boolean storeLoaded(K key, V value) {
    return withKey(key, true, slot -> slot.storeLoaded(value));
  }

  /** Whether the memory tier is at its bound, so refilling more would only evict. */
  boolean memoryIsFull() {
    memory.cleanUp(); // the sizes count only what maintenance has seen
    return memory.policy().eviction()
        .map(eviction -> eviction.weightedSize().orElse(memory.estimatedSize())
            >= eviction.getMaximum())
        .orElse(false);
  }

  /** Starts watching a loader batch's keys for writes; see {@link #keysBeingLoaded}. */
  void beginLoading(Set<K> batch) {
    ConcurrentHashMap<K, Boolean> loading = new ConcurrentHashMap<>(batch.size() * 2);
    for (K key : batch) {
      loading.put(key, Boolean.FALSE);
    }
    keysBeingLoaded = loading;
  }

  void endLoading() {
    keysBeingLoaded = null;
  }

  /**
   * Called by every write op before it takes the key's lock: a loader batch requested before this
   * write may hold an older value, so the write wins even if it leaves the key absent.
   */
  private void markWritten(K key) {
    ConcurrentHashMap<K, Boolean> loading = keysBeingLoaded;
    if (loading != null && key != null) {
      loading.replace(key, Boolean.TRUE);
    }
  }

  /** Mixes a hash code as {@link KeyPlacement#spread} does; the stripe uses the low bits. */
  static int spread(int hashCode) {
    return KeyPlacement.spread(hashCode);
  }

  /** The key's segment, from the hash's high bits, as {@link KeyPlacement} places it. */
  static int segmentOf(int spreadHash, int segments) {
    return KeyPlacement.segmentOfSpread(spreadHash, segments);
  }

  // ---------------------------------------------------------------- the lower tier's removals

  /**
   * Reconciles the lower tier's removal reports queued so far, so that an operation that
   * enumerates the cache agrees with {@code get} on what the tier dropped. Called without any key's
   * lock held.
   */
  private void reconcileTierRemovals() {
    if (tierRemovals != null && !tierRemovals.isIdle()) {
      tierRemovals.drain();
    }
  }

  // A null cause is a write the tier failed permanently (see dropLostWrites).
  private boolean reconcile(int segment, TierRemoval.Cause cause, TierRemoval<K, V> removal) {
    return closed || withKey(removal.key(), true, slot -> cause == null ? slot.dropLost()
        : slot.dropRemovedBelow(cause, removal.value()));
  }

  /**
   * Called by a flush lane for writes the lower tier failed permanently: they left the buffer, so
   * memory must not go on serving them. The lane holds its lock, so the keys are queued and
   * reconciled like the tier's own removals; the tier's entry (older, or none) is what readers see
   * from then on.
   */
  private void dropLostWrites(int segment, List<TierWrite<K, V>> lost) {
    List<TierRemoval<K, V>> removals = new ArrayList<>(lost.size());
    for (TierWrite<K, V> write : lost) {
      removals.add(new TierRemoval<>(write.key(), null));
    }
    tierRemovals.lost(segment, removals);
  }

  // Runs inside Caffeine's atomic removal of the entry, so it is ordered with the key's writes.
  private void onMemoryEviction(K key, MemoryEntry<V> entry, RemovalCause cause) {
    if (cause != RemovalCause.SIZE || key == null || entry == null) {
      return;
    }
    boolean statistics = statisticsEnabled;
    if (statistics) {
      stats.memoryEvictions.increment();
    }
    if (lower == null) {
      if (statistics) {
        stats.evictions.increment();
      }
      events.publish(EventType.EVICTED, key, entry.value(), null, false);
    }
  }

  private long expiresAt(Duration duration, long unchanged) {
    if (duration == null) {
      return unchanged;
    }
    long now = clock.currentTimeMillis();
    if (duration.isZero() || duration.isNegative()) {
      return now;
    }
    try {
      long millis = duration.toMillis();
      return millis >= ETERNAL - now ? ETERNAL : now + millis;
    } catch (ArithmeticException tooLong) {
      return ETERNAL;
    }
  }

  /**
   * One operation's view of one key, used while the key's lock is held: what the tiers hold, and
   * the steps that change it. Every operation is built from these steps, so every one follows the
   * same read and write paths.
   */
  final class Slot {
    final K key;
    final int segment;
    // Warm-up's slots count nothing: warming is not the application's traffic.
    private final boolean quiet;
    private V value;
    private long expiresAt;
    private MemoryEntry<V> inMemory;
    // What a bulk read found below for this key, used instead of a read of its own.
    private boolean hasPrefetched;
    private TierEntry<V> prefetched;

    Slot(K key, int segment, boolean quiet) {
      this.key = key;
      this.segment = segment;
      this.quiet = quiet;
    }

    private boolean counting() {
      return !quiet && statisticsEnabled;
    }

    /**
     * Reads the key through the tiers: memory, pending buffer, lower tier. An expired entry found
     * on the way is dropped from every tier (an EXPIRED event) and reads as absent. Counts tier
     * statistics if {@code countTiers}.
     */
    V load(boolean countTiers) {
      boolean statistics = countTiers && counting();
      MemoryEntry<V> entry = memory.getIfPresent(key);
      if (entry != null) {
        if (statistics && !isExpired(entry.expiresAt())) {
          stats.memoryHits.increment();
        } else if (statistics) {
          // An expired value is served by no tier; below, the same expiry is stored with it.
          stats.memoryMisses.increment();
          if (lower != null) {
            stats.lowerMisses.increment();
          }
        }
        return found(entry.value(), entry.expiresAt(), entry);
      }
      if (statistics) {
        stats.memoryMisses.increment();
      }
      if (lower == null) {
        return absent();
      }
      TierEntry<V> below = below();
      if (statistics) {
        (below == null || isExpired(below.expiresAtMillis()) ? stats.lowerMisses : stats.lowerHits)
            .increment();
      }
      return below == null ? absent() : found(below.value(), below.expiresAtMillis(), null);
    }

    /** What is below memory: the pending write (none for a tombstone), else the lower tier's. */
    private TierEntry<V> below() {
      TierWrite<K, V> pending = writeBehind.pending(segment, key);
      if (pending != null) {
        return pending.isRemoval() ? null
            : new TierEntry<>(pending.value(), pending.expiresAtMillis());
      }
      return hasPrefetched ? prefetched : lower.read(segment, key);
    }

    /** Gives the slot what a bulk read found below (null: nothing), read under its lock. */
    void prefetched(TierEntry<V> entry) {
      hasPrefetched = true;
      prefetched = entry;
    }

    /**
     * Warm-up's refill: copies the entry below into memory if memory has none. Memory always holds
     * the newest value when it holds one, so an entry there (even an expired one) is left alone. An
     * expired entry below is skipped and left for a read to drop: warm-up changes no tier but
     * memory, and fires no event.
     */
    Void refill() {
      if (lower == null || memoryMap.containsKey(key)) {
        return null;
      }
      TierEntry<V> below = below();
      if (below != null && !isExpired(below.expiresAtMillis())) {
        value = below.value();
        expiresAt = below.expiresAtMillis();
        promote();
      }
      return null;
    }

    /**
     * Stores a warm-up loader's value as {@code putIfAbsent} would, unless a write op touched the
     * key since its batch was requested: the loader may have read the system of record before that
     * write, so the write wins even when it left the key absent.
     */
    boolean storeLoaded(V loaded) {
      ConcurrentHashMap<K, Boolean> loading = keysBeingLoaded;
      if (loading != null && Boolean.TRUE.equals(loading.get(key))) {
        return false;
      }
      return load(false) == null && store(loaded);
    }

    private V found(V found, long foundExpiresAt, MemoryEntry<V> memoryEntry) {
      if (isExpired(foundExpiresAt)) {
        value = found;
        inMemory = memoryEntry;
        if (counting()) {
          stats.expirations.increment();
        }
        writeTiers(null, 0L, EventType.EXPIRED, found);
        return null;
      }
      value = found;
      expiresAt = foundExpiresAt;
      inMemory = memoryEntry;
      return found;
    }

    private V absent() {
      value = null;
      inMemory = null;
      return null;
    }

    /** The read path of a get that missed memory without a lock (or must change expiry). */
    V get(MemoryEntry<V> seen, Duration seenAccess) {
      V current = load(true);
      countGet(current);
      if (current == null) {
        return null;
      }
      Duration access = (inMemory != null && inMemory == seen && seenAccess != null)
          ? seenAccess
          : (expiry == null ? null : expiry.expireAfterAccess(key, current));
      long next = access == null ? expiresAt : expiresAt(access, expiresAt);
      if (next != expiresAt) {
        writeTiers(current, next, null, null);
      } else if (inMemory == null) {
        promote();
      }
      return current;
    }

    void countGet(V current) {
      if (current == null) {
        countMiss();
      } else {
        countHit();
      }
    }

    void countHit() {
      if (counting()) {
        stats.hits.increment();
      }
    }

    void countMiss() {
      if (counting()) {
        stats.misses.increment();
      }
    }

    /** Applies the access expiry to a value just read (JSR-107: reads may change expiry). */
    void touch() {
      if (expiry == null || value == null) {
        return;
      }
      long next = expiresAt(expiry.expireAfterAccess(key, value), expiresAt);
      if (next != expiresAt) {
        writeTiers(value, next, null, null);
      }
    }

    /** Copies an entry found below into memory; no event, nothing written below. */
    private void promote() {
      MemoryEntry<V> entry = new MemoryEntry<>(value, expiresAt);
      memoryMap.put(key, entry);
      inMemory = entry;
    }

    /**
     * Stores a value as a create or an update of what {@link #load} found, with the expiry the
     * policy gives. Returns false if a create expired at once (JSR-107: it is not stored).
     */
    boolean store(V newValue) {
      V old = value;
      long next;
      if (old == null) {
        next = expiry == null ? ETERNAL : expiresAt(expiry.expireAfterCreate(key, newValue), ETERNAL);
        if (next != ETERNAL && isExpired(next)) {
          return false;
        }
      } else {
        next = expiry == null ? expiresAt : expiresAt(expiry.expireAfterUpdate(key, newValue),
            expiresAt);
      }
      writeTiers(newValue, next, old == null ? EventType.CREATED : EventType.UPDATED, old);
      if (counting()) {
        stats.puts.increment();
      }
      return true;
    }

    /** Removes the value {@link #load} found; returns true. */
    boolean delete() {
      writeTiers(null, 0L, EventType.REMOVED, value);
      if (counting()) {
        stats.removals.increment();
      }
      return true;
    }

    /**
     * The one write path: the buffer first (it may refuse, leaving everything unchanged), then
     * memory, publishing the event inside the memory tier's atomic update so that it is ordered
     * with evictions of the same key.
     */
    private void writeTiers(V newValue, long newExpiresAt, EventType type, V oldValue) {
      if (writeBehind != null && !(newValue == null && oldValue == null)) {
        // A key whose equals or hashCode throws must fail here, before the buffer takes the
        // write: failing in the memory update below would leave a write the caller saw fail
        // on its way to disk. (A colliding key another thread adds meanwhile can still slip by.)
        memoryMap.containsKey(key);
        PreparedWrite prepared = newValue == null ? null : lower.prepare(key, newValue);
        writeBehind.write(segment, new TierWrite<>(key, newValue, newExpiresAt, prepared));
      }
      MemoryEntry<V> entry = newValue == null ? null : new MemoryEntry<>(newValue, newExpiresAt);
      if (type == null || !events.hasListeners()) {
        if (entry == null) {
          memoryMap.remove(key);
        } else {
          memoryMap.put(key, entry);
        }
      } else {
        memoryMap.compute(key, (k, ignored) -> {
          events.publish(type, k, oldValue,
              type == EventType.EXPIRED || type == EventType.REMOVED ? null : newValue, true);
          return entry;
        });
      }
      value = newValue;
      expiresAt = newExpiresAt;
      inMemory = entry;
    }

    V currentValue() {
      return value;
    }

    /**
     * Drops the key from memory if the lower tier no longer holds it (it reported evicting or
     * purging it) and no newer write of it is pending; publishes the eviction or expiry with the
     * value memory held (or the one reported) and counts it. A key written again since, or back in
     * the tier, is left alone.
     */
    boolean dropRemovedBelow(TierRemoval.Cause cause, V reported) {
      if (writeBehind.pending(segment, key) != null) {
        return false;
      }
      if (lower.read(segment, key) != null) {
        return true;
      }
      MemoryEntry<V> held = memoryMap.get(key);
      V old = held != null ? held.value() : reported;
      EventType type = cause == TierRemoval.Cause.EVICTED ? EventType.EVICTED : EventType.EXPIRED;
      if (statisticsEnabled) {
        if (type == EventType.EVICTED) {
          stats.evictions.increment();
          stats.lowerEvictions.increment();
        } else {
          stats.expirations.increment();
        }
      }
      if (old != null && events.hasListeners()) {
        memoryMap.compute(key, (k, ignored) -> {
          events.publish(type, k, old, null, true);
          return null;
        });
      } else if (held != null) {
        memoryMap.remove(key);
      }
      return true;
    }

    /** Drops a key whose write the lower tier failed permanently, unless it was written again. */
    boolean dropLost() {
      if (writeBehind.pending(segment, key) == null) {
        memoryMap.remove(key);
      }
      return true;
    }
  }
}
