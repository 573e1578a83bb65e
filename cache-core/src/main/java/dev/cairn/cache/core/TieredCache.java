package dev.cairn.cache.core;

import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cairn.cache.core.tier.KeyPlacement;
import dev.cairn.cache.core.tier.LowerTier;
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

  private final String name;
  private final TierStack<K, V> tiers;
  // The lower tier's eviction and expiry reports, reconciled with memory; null without a tier.
  private final TierRemovals<K, V> tierRemovals;
  private final KeyStripes stripes = new KeyStripes();
  private final ReadThrough<K, V> readThrough;
  private final Duration closeTimeout;
  private final boolean warmRestart;
  private final WarmUpLoader<K, V> warmUpLoader;
  private final int warmUpBatchSize;
  private final WarmUp warmUp;
  // Set once by start() on the building thread, read by close() on any thread.
  private volatile Warmer<K, V> warmer;
  private volatile boolean closed;

  TieredCache(TieredCacheBuilder<K, V> builder) {
    this.name = builder.name;
    this.closeTimeout = builder.writeBehind.closeTimeout();
    this.warmRestart = builder.warmRestart;
    this.warmUpLoader = builder.warmUpLoader;
    this.warmUpBatchSize = builder.warmUpBatchSize;
    this.warmUp = new WarmUp(name);
    LowerTier<K, V> lower = builder.lowerTier;
    WriteBehind<K, V> writeBehind = lower == null ? null : new WriteBehind<>(name,
        "the " + lower.name() + " tier", lower::write, builder.writeBehind);
    // The eviction listener reads this.tiers, which is set before the first write can evict.
    this.tiers = new TierStack<>(name, builder.buildMemoryTier(this::onMemoryEviction), lower,
        writeBehind, builder.writeBehind.segments(), builder.expiry, builder.clock,
        new EventDispatcher<>(name, builder.eventExecutor), builder.statisticsEnabled,
        builder.coherence);
    this.readThrough = new ReadThrough<>(this, tiers.loads);
    if (lower == null) {
      this.tierRemovals = null;
    } else {
      this.tierRemovals = new TierRemovals<>(name, this::reconcile, writeBehind.background());
      writeBehind.onWritesLost(this::dropLostWrites);
      writeBehind.afterBatch(tierRemovals::batchWritten);
    }
  }

  void start() {
    if (tiers.lower != null) {
      tiers.lower.open(new TierContext<>(name, tiers.segments, tiers.clock, tierRemovals));
      tiers.writeBehind.start();
    }
    if (tiers.coherence != null) {
      // Before warm-up: what changed elsewhere while this cache was away must leave its lower
      // tier before warm-up copies anything from there into memory.
      try {
        tiers.coherence.start(this, tiers.lower == null ? null
            : tiers.lower.takeCoherencePosition());
      } catch (RuntimeException | Error e) {
        try {
          close();
        } catch (RuntimeException | Error suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
    startWarmUp();
  }

  private void startWarmUp() {
    List<K> hotKeys = List.of();
    if (tiers.lower != null && warmRestart) {
      try {
        hotKeys = List.copyOf(tiers.lower.hotKeys());
      } catch (RuntimeException e) {
        warmUp.fail(e);
        LOG.log(Level.WARNING, () -> "Cache '" + name + "' could not read the hot keys of its "
            + tiers.lower.name() + " tier and starts with a cold memory tier", e);
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
    if (!tiers.localTiersCurrent()) {
      countMissWhileStale();
      return null;
    }
    boolean statistics = tiers.statisticsEnabled();
    long start = statistics ? System.nanoTime() : 0L;
    MemoryEntry<V> entry = tiers.memory.getIfPresent(key);
    V value;
    Duration access = null;
    if (entry != null && !tiers.isExpired(entry.expiresAt())
        && (tiers.expiry == null || (access = tiers.expiry.expireAfterAccess(key, entry.value())) == null)) {
      value = entry.value();
      if (statistics) {
        tiers.stats.hits.increment();
        tiers.stats.memoryHits.increment();
      }
    } else {
      Duration accessed = access;
      value = withKey(key, slot -> slot.get(entry, accessed));
    }
    if (statistics) {
      tiers.stats.getNanos.add(System.nanoTime() - start);
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
    if (tiers.lower == null || !tiers.localTiersCurrent()) {
      Map<K, V> found = new LinkedHashMap<>();
      for (K key : keys) {
        V value = get(key);
        if (value != null) {
          found.put(key, value);
        }
      }
      return found;
    }
    boolean statistics = tiers.statisticsEnabled();
    long start = statistics ? System.nanoTime() : 0L;
    Map<K, V> read = new java.util.HashMap<>();
    Map<Integer, List<K>> missesBySegment = new java.util.TreeMap<>();
    for (K key : keys) {
      MemoryEntry<V> entry = tiers.memory.getIfPresent(key);
      if (entry != null && !tiers.isExpired(entry.expiresAt())
          && (tiers.expiry == null || tiers.expiry.expireAfterAccess(key, entry.value()) == null)) {
        read.put(key, entry.value());
        if (statistics) {
          tiers.stats.hits.increment();
          tiers.stats.memoryHits.increment();
        }
      } else {
        missesBySegment.computeIfAbsent(segmentOf(spread(key.hashCode()), tiers.segments),
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
      tiers.stats.getNanos.add(System.nanoTime() - start);
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
    int[] locked = stripes.lockAll(keys);
    Map<K, V> found = new java.util.HashMap<>();
    try {
      checkOpen();
      List<K> toRead = new ArrayList<>(keys.size());
      for (K key : keys) {
        if (!tiers.memoryMap.containsKey(key) && tiers.writeBehind.pending(segment, key) == null) {
          toRead.add(key);
        }
      }
      Map<K, TierEntry<V>> below = toRead.isEmpty() ? Map.of()
          : tiers.lower.readAll(segment, toRead);
      Set<K> read = new java.util.HashSet<>(toRead);
      for (K key : keys) {
        KeySlot<K, V> slot = new KeySlot<>(tiers, key, segment, false);
        if (read.contains(key)) {
          slot.prefetched(below.get(key));
        }
        V value = slot.get(null, null);
        if (value != null) {
          found.put(key, value);
        }
      }
    } catch (RuntimeException | Error failure) {
      stripes.unlockAll(locked);
      try {
        tiers.events.awaitSynchronous();
      } catch (RuntimeException | Error listenerFailure) {
        failure.addSuppressed(listenerFailure);
      }
      throw failure;
    }
    stripes.unlockAll(locked);
    tiers.events.awaitSynchronous();
    return found;
  }

  /**
   * Returns the key's value, loading it with {@code loader} when no tier holds one: read-through.
   * One load per key runs at a time in this cache: a reader that misses while the key's load is in
   * flight waits for that load and gets its value, and a loader that throws fails every reader
   * waiting for it with the same exception. The loader runs on the first missing reader's thread
   * outside any lock, so a slow loader stalls only the readers of its key. A value loaded is stored
   * as a put (counted as one; the expiry policy's create applies) unless the key was written while
   * the load ran: the write wins, and every reader of the load gets the written value (or
   * {@code null} if the write removed the key). A loader returning {@code null} stores nothing.
   *
   * <p>Statistics count each call as one hit or miss, as {@link #get(Object)} does.
   */
  public V get(K key, Function<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    V value = get(key);
    if (value != null) {
      return value;
    }
    // Cut off from the other processes sharing the cache: load, but keep nothing here.
    return tiers.localTiersCurrent() ? readThrough.load(key, loader) : loader.apply(key);
  }

  private void countMissWhileStale() {
    if (tiers.statisticsEnabled()) {
      tiers.stats.misses.increment();
    }
  }

  /**
   * Returns the values for the keys, loading the missing ones with {@code loader}: read-through for
   * several keys. Only the keys no tier holds are loaded, in one call of {@code loader}, except
   * those whose load another reader has in flight, whose outcome is awaited instead; each loaded
   * key is then settled as {@link #get(Object, Function)} settles it. Keys the loader leaves out
   * are absent from the result. A loader that throws fails this call and the readers waiting for
   * its keys.
   */
  public Map<K, V> getAll(Set<? extends K> keys,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> loader) {
    Objects.requireNonNull(loader, "loader");
    Map<K, V> found = getAll(keys);
    if (found.size() == keys.size()) {
      return found;
    }
    if (!tiers.localTiersCurrent()) {
      Set<K> missing = new java.util.LinkedHashSet<>(keys);
      Map<? extends K, ? extends V> loaded = loader.apply(missing);
      return loaded == null ? Map.of() : Map.copyOf(loaded);
    }
    return readThrough.loadAll(keys, found, loader);
  }

  /** Returns whether the cache holds a value for the key; counts no statistics, promotes nothing. */
  public boolean containsKey(K key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    if (!tiers.localTiersCurrent()) {
      return false;
    }
    MemoryEntry<V> entry = tiers.memory.getIfPresent(key);
    if (entry != null && !tiers.isExpired(entry.expiresAt())) {
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
      if (tiers.expiry != null || tiers.events.hasListeners()) {
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
    return timedRemove(key, slot -> {
      slot.announceRemoval();
      return slot.load(false) != null && slot.delete();
    });
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
      slot.announceRemoval();
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
    boolean statistics = tiers.statisticsEnabled();
    long start = statistics ? System.nanoTime() : 0L;
    List<ProcessedEntry<K, V>> processed = new ArrayList<>(1);
    R result = withKey(key, slot -> {
      ProcessedEntry<K, V> entry = new ProcessedEntry<>(slot, countLookup);
      processed.add(entry);
      return entry.run(processor);
    });
    if (statistics) {
      var counter = processed.get(0).timeCounter(tiers.stats);
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
    tiers.warmUpFence.allWritten();
    List<java.util.concurrent.CompletionStage<?>> told = new ArrayList<>(1);
    stripes.withAll(() -> {
      clearLocked();
      tiers.loads.allWritten();
      if (tiers.coherence != null) {
        told.add(tiers.coherence.cleared());
      }
    });
    for (java.util.concurrent.CompletionStage<?> stage : told) {
      try {
        stage.toCompletableFuture().join();
      } catch (java.util.concurrent.CompletionException e) {
        throw new CacheWriteException("Cache '" + name + "' was cleared, but could not tell the"
            + " other processes sharing it: " + e.getMessage(), e);
      }
    }
  }

  // Every key's lock is held.
  private void clearLocked() {
    if (tiers.writeBehind != null) {
      tiers.writeBehind.withAllLanes(() -> {
        tiers.writeBehind.clearBuffers();
        for (int segment = 0; segment < tiers.segments; segment++) {
          tiers.lower.clear(segment);
        }
      });
    }
    tiers.memory.invalidateAll();
  }

  /**
   * Drops the key from this cache's memory and lower tier, under the key's lock, because another
   * process sharing the cache changed it: for a {@link Coherence} layer. The next read of the key
   * here goes to the loader (or misses). Publishes no event, counts nothing, and does not tell the
   * coherence layer; a load of the key in flight stores nothing, though its readers still get what
   * it loaded (they asked before the change was seen here: a miss would tell them the key is gone).
   */
  public void invalidateLocally(K key) {
    withKey(key, true, slot -> {
      slot.invalidate();
      return null;
    });
  }

  /**
   * Drops every entry of this cache's memory and lower tier, because another process cleared the
   * cache or because changes were missed that cannot be replayed: for a {@link Coherence} layer.
   * As {@link #invalidateLocally}, silently.
   */
  public void invalidateAllLocally() {
    checkOpen();
    reconcileTierRemovals();
    tiers.warmUpFence.allWritten();
    stripes.withAll(() -> {
      clearLocked();
      tiers.loads.allInvalidated();
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
    return new CacheIterator<>(this, tiers.lower == null ? null : tiers.writeBehind, tiers.lower, tiers.segments,
        tiers.memoryMap.keySet());
  }

  /**
   * Returns the keys of every tier, each once, weakly consistent like {@link #iterator()}. Reads no
   * values, counts no statistics and promotes nothing, so a key whose entry expired or was removed
   * while the walk ran may still appear.
   */
  public Iterator<K> keys() {
    checkOpen();
    reconcileTierRemovals();
    CacheIterator<K, V> walk = new CacheIterator<>(this, tiers.writeBehind, tiers.lower, tiers.segments,
        tiers.memoryMap.keySet());
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
    if (value != null && tiers.statisticsEnabled()) {
      tiers.stats.hits.increment();
    }
    return value;
  }

  /** Counts the live entries exactly; with a lower tier this reads every key, so it is slow. */
  public long size() {
    checkOpen();
    reconcileTierRemovals();
    long count = 0;
    CacheIterator<K, V> keys = new CacheIterator<>(this, tiers.writeBehind, tiers.lower, tiers.segments,
        tiers.memoryMap.keySet());
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
    return tiers.lower == null ? tiers.memory.estimatedSize() : tiers.lower.size() + tiers.writeBehind.pendingCount();
  }

  /** Returns how many entries the memory tier holds now (its weighted size if bounded by weight). */
  public long memoryTierSize() {
    tiers.memory.cleanUp();
    return tiers.memory.policy().eviction()
        .map(eviction -> eviction.weightedSize().orElse(tiers.memory.estimatedSize()))
        .orElse(tiers.memory.estimatedSize());
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
    if (tiers.writeBehind != null) {
      try {
        tiers.writeBehind.flush();
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
    String coherencePosition = null;
    if (tiers.coherence != null) {
      // No operation runs any more: stop receiving before the final flush, so that what was
      // received is in the buffer that flush makes durable.
      try {
        coherencePosition = tiers.coherence.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, () -> "Cache '" + name + "' could not leave the other processes"
            + " sharing it cleanly", e);
      }
    }
    try {
      if (tiers.writeBehind != null) {
        tiers.writeBehind.close(closeTimeout);
      }
      flushed = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheWriteException("Interrupted while closing cache '" + name + "'; "
          + tiers.writeBehind.pendingCount() + " buffered entries were not written", e);
    } finally {
      if (tiers.lower != null) {
        try {
          if (flushed && warmRestart) {
            saveHotKeys();
          }
          if (flushed && coherencePosition != null) {
            saveCoherencePosition(coherencePosition);
          }
        } finally {
          tiers.lower.close();
        }
      }
      tiers.memory.invalidateAll();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void saveCoherencePosition(String position) {
    try {
      tiers.lower.saveCoherencePosition(position);
    } catch (RuntimeException e) {
      // The next start then drops what its tier holds, as after a crash: slower, never wrong.
      LOG.log(Level.WARNING, () -> "Cache '" + name + "' could not keep its position in the"
          + " changes of the other processes sharing it; the next start begins cold", e);
    }
  }

  /**
   * Hands the lower tier every unexpired key in memory, hottest first (Caffeine's retention order).
   * A count limit, not a weight limit: memory is bounded already, so all of it is the working set,
   * whichever bound applies; the refill stops at the bound again.
   */
  private void saveHotKeys() {
    try {
      tiers.memory.cleanUp(); // reads still in Caffeine's buffers count towards the order
      long now = tiers.clock.currentTimeMillis();
      int limit = (int) Math.min(Integer.MAX_VALUE, tiers.memory.estimatedSize());
      List<K> hottest = new ArrayList<>(limit);
      tiers.memory.policy().eviction().ifPresent(eviction -> eviction.hottest(limit)
          .forEach((key, entry) -> {
            if (!entry.isExpired(now)) {
              hottest.add(key);
            }
          }));
      tiers.lower.saveHotKeys(hottest);
    } catch (RuntimeException e) {
      // Only a speed-up: every value is flushed already, so the close goes on.
      LOG.log(Level.WARNING, () -> "Cache '" + name + "' could not save its hot keys to the "
          + tiers.lower.name() + " tier; the next start refills memory on demand instead", e);
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
    return tiers.events.register(listener, types, synchronous)::run;
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
    tiers.memory.cleanUp();
    return tiers.stats.snapshot(tiers.writeBehind);
  }

  /** Resets the statistics counters to zero. */
  public void clearStatistics() {
    tiers.stats.reset();
  }

  /** Turns statistics on or off; when off, operations read no clock for them and count nothing. */
  public void setStatisticsEnabled(boolean enabled) {
    tiers.statisticsEnabled(enabled);
  }

  /** Returns whether statistics are being counted. */
  public boolean isStatisticsEnabled() {
    return tiers.statisticsEnabled();
  }

  /** Returns the lower tier's name, or {@code null} for a memory-only cache. */
  public String lowerTierName() {
    return tiers.lower == null ? null : tiers.lower.name();
  }
  /**
   * Returns the bytes the lower tier occupies on its medium, or -1 without a lower tier, when the
   * tier cannot tell, or once the cache is closed.
   */
  public long lowerTierStoredBytes() {
    return tiers.lower == null || closed ? -1 : tiers.lower.storedBytes();
  }


  @Override
  public String toString() {
    return "TieredCache[" + name + (tiers.lower == null ? ", memory only" : ", over " + tiers.lower.name())
        + "]";
  }

  // ---------------------------------------------------------------- internals

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }


  private <R> R timedPut(K key, Function<KeySlot<K, V>, R> body) {
    markWritten(key);
    boolean statistics = tiers.statisticsEnabled();
    long start = statistics ? System.nanoTime() : 0L;
    R result = withKey(key, body);
    if (statistics) {
      tiers.stats.putNanos.add(System.nanoTime() - start);
    }
    return result;
  }

  private <R> R timedRemove(K key, Function<KeySlot<K, V>, R> body) {
    markWritten(key);
    boolean statistics = tiers.statisticsEnabled();
    long start = statistics ? System.nanoTime() : 0L;
    R result = withKey(key, body);
    if (statistics) {
      tiers.stats.removeNanos.add(System.nanoTime() - start);
    }
    return result;
  }

  /** Runs {@code body} under the key's lock, then waits for synchronous listeners. */
  private <R> R withKey(K key, Function<KeySlot<K, V>, R> body) {
    return withKey(key, false, body);
  }

  /** As {@link #withKey(Object, Function)}; a {@code quiet} slot counts no statistics. */
  <R> R withKey(K key, boolean quiet, Function<KeySlot<K, V>, R> body) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    int hash = spread(key.hashCode());
    ReentrantLock lock = stripes.of(hash);
    KeySlot<K, V> slot = new KeySlot<>(tiers, key, segmentOf(hash, tiers.segments), quiet);
    R result;
    lock.lock();
    try {
      result = body.apply(slot);
    } catch (RuntimeException | Error failure) {
      lock.unlock();
      try {
        tiers.events.awaitSynchronous();
      } catch (RuntimeException | Error listenerFailure) {
        failure.addSuppressed(listenerFailure);
      }
      throw failure;
    }
    lock.unlock();
    tiers.events.awaitSynchronous();
    slot.awaitTold();
    return result;
  }


  // ---------------------------------------------------------------- warm-up's operations

  /** Warm-up: promotes the key's entry from below if memory has none; see {@link KeySlot#refill}. */
  void refill(K key) {
    withKey(key, true, KeySlot::refill);
  }

  /** Warm-up: stores a loaded value as {@link KeySlot#storeLoaded} says; returns whether it did. */
  boolean storeLoaded(K key, V value) {
    return withKey(key, true, slot -> slot.storeLoaded(value));
  }

  /** Whether the memory tier is at its bound, so refilling more would only evict. */
  boolean memoryIsFull() {
    tiers.memory.cleanUp(); // the sizes count only what maintenance has seen
    return tiers.memory.policy().eviction()
        .map(eviction -> eviction.weightedSize().orElse(tiers.memory.estimatedSize())
            >= eviction.getMaximum())
        .orElse(false);
  }

  /** Starts watching a warm-up loader batch's keys for writes; see {@link WarmUpFence}. */
  void beginLoading(Set<K> batch) {
    tiers.warmUpFence.begin(batch);
  }

  void endLoading() {
    tiers.warmUpFence.end();
  }

  /** Called by every write op before it takes the key's lock; see {@link WarmUpFence}. */
  private void markWritten(K key) {
    tiers.warmUpFence.written(key);
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
    boolean statistics = tiers.statisticsEnabled();
    if (statistics) {
      tiers.stats.memoryEvictions.increment();
    }
    if (tiers.lower == null) {
      if (statistics) {
        tiers.stats.evictions.increment();
      }
      tiers.events.publish(EventType.EVICTED, key, entry.value(), null, false);
    }
  }
}
