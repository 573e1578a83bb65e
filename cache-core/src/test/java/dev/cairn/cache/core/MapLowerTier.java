package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierException;
import dev.cairn.cache.core.tier.TierRemoval;
import dev.cairn.cache.core.tier.TierWrite;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A lower tier on concurrent maps, for tests: it records every batch it accepts, and can be made
 * to fail or to hold batches (or a read of one key) until released. A {@link #persistent} one
 * keeps its entries and its hot-key snapshot from one cache to the next, as a disk tier does
 * across restarts. It applies each batch atomically (a read never sees one half applied), may be
 * bounded ({@link #maximumEntries}), and purges expired entries when told ({@link #purgeExpired});
 * like any tier it reports what it evicts or purges. It passes the tier conformance suite
 * ({@code MapLowerTierConformanceTest}).
 */
public final class MapLowerTier<K, V> implements LowerTier<K, V> {

  private List<ConcurrentHashMap<K, TierEntry<V>>> segments;
  // One per segment: a batch is applied under the write lock, reads take the read lock, so that a
  // read sees a batch whole or not at all. Gates and held reads wait before taking it.
  private List<ReadWriteLock> locks;
  private long maximumEntries = UNBOUNDED;
  /** Every accepted write, in the order applied, per key. */
  final ConcurrentHashMap<K, List<TierWrite<K, V>>> history = new ConcurrentHashMap<>();
  final List<List<TierWrite<K, V>>> batches = Collections.synchronizedList(new ArrayList<>());
  final AtomicBoolean failing = new AtomicBoolean();
  final AtomicInteger failedAttempts = new AtomicInteger();
  final AtomicInteger reads = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  // Per-segment gates on top of the global one, so a test can stall one flush lane only.
  private final ConcurrentHashMap<Integer, CountDownLatch> segmentGates = new ConcurrentHashMap<>();
  /** Writes that arrived after {@link #close()}: the engine must have flushed everything before. */
  final AtomicInteger writesAfterClose = new AtomicInteger();
  /** Reads that arrived after {@link #close()}: warm-up must have stopped before. */
  final AtomicInteger readsAfterClose = new AtomicInteger();
  volatile TierContext<K, V> context;
  volatile boolean closed;
  private final boolean persistent;
  /** The last hot keys saved; what {@link #hotKeys()} returns. Tests may set it before a build. */
  volatile List<K> savedHotKeys = List.of();
  final AtomicInteger hotKeySaves = new AtomicInteger();
  /** What the tier held, and whether it was closed, when the hot keys were last saved. */
  volatile long sizeAtSave = -1;
  volatile boolean closedAtSave;
  // A read of this key waits at readGate, after counting down readArrived.
  private volatile K heldReadKey;
  private volatile CountDownLatch readArrived = new CountDownLatch(0);
  private volatile CountDownLatch readGate = new CountDownLatch(0);

  public MapLowerTier() {
    this.persistent = false;
  }

  private MapLowerTier(int segments) {
    this.persistent = true;
    createSegments(segments);
  }

  private void createSegments(int count) {
    List<ConcurrentHashMap<K, TierEntry<V>>> maps = new ArrayList<>();
    List<ReadWriteLock> segmentLocks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      maps.add(new ConcurrentHashMap<>());
      segmentLocks.add(new ReentrantReadWriteLock());
    }
    this.segments = maps;
    this.locks = segmentLocks;
  }

  /**
   * A tier whose entries and saved hot keys outlive each cache opened over it (which must use the
   * same segment count); {@link #preload} works before the first build.
   */
  static <K, V> MapLowerTier<K, V> persistent(int segments) {
    return new MapLowerTier<>(segments);
  }

  /**
   * Bounds the tier to this many entries: past it, a batch evicts entries of its own segment (in
   * the map's order, not by recency) until the tier is back within the bound, and reports them.
   * Set before the tier is opened.
   */
  MapLowerTier<K, V> maximumEntries(long entries) {
    if (entries < 1) {
      throw new IllegalArgumentException("maximumEntries must be at least 1, was " + entries);
    }
    this.maximumEntries = entries;
    return this;
  }

  @Override
  public String name() {
    return "map";
  }

  @Override
  public void open(TierContext<K, V> context) {
    if (persistent && segments.size() != context.segments()) {
      throw TierException.permanentFailure("persistent MapLowerTier has " + segments.size()
          + " segments, the cache '" + context.cacheName() + "' " + context.segments(), null);
    }
    this.context = context;
    this.closed = false;
    if (!persistent) {
      createSegments(context.segments());
    }
  }

  @Override
  public TierEntry<V> read(int segment, K key) {
    arrive(key);
    ReadWriteLock lock = locks.get(segment);
    lock.readLock().lock();
    try {
      return segments.get(segment).get(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reads the keys under one hold of the segment's lock, so they agree on which batches applied. */
  @Override
  public Map<K, TierEntry<V>> readAll(int segment, Collection<? extends K> keys) {
    keys.forEach(this::arrive);
    Map<K, TierEntry<V>> found = new LinkedHashMap<>();
    ReadWriteLock lock = locks.get(segment);
    lock.readLock().lock();
    try {
      for (K key : keys) {
        TierEntry<V> entry = segments.get(segment).get(key);
        if (entry != null) {
          found.put(key, entry);
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return found;
  }

  /** Counts a read of the key, and holds it if {@link #holdRead} asked to. */
  private void arrive(K key) {
    reads.incrementAndGet();
    if (closed) {
      readsAfterClose.incrementAndGet();
    }
    if (key.equals(heldReadKey)) {
      readArrived.countDown();
      try {
        readGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void write(int segment, List<TierWrite<K, V>> batch) {
    try {
      gate.await();
      CountDownLatch segmentGate = segmentGates.get(segment);
      if (segmentGate != null) {
        segmentGate.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (closed) {
      writesAfterClose.incrementAndGet();
    }
    if (failing.get()) {
      failedAttempts.incrementAndGet();
      throw new IllegalStateException("the map tier is failing on purpose");
    }
    batches.add(List.copyOf(batch));
    ConcurrentHashMap<K, TierEntry<V>> entries = segments.get(segment);
    List<TierRemoval<K, V>> evicted = new ArrayList<>();
    ReadWriteLock lock = locks.get(segment);
    lock.writeLock().lock();
    try {
      for (TierWrite<K, V> write : batch) {
        if (write.isRemoval()) {
          entries.remove(write.key());
        } else {
          entries.put(write.key(), new TierEntry<>(write.value(), write.expiresAtMillis()));
        }
        history.computeIfAbsent(write.key(),
            k -> Collections.synchronizedList(new ArrayList<>())).add(write);
      }
      // The segment that grew gives up entries. Batches of two segments at once may both evict,
      // which leaves the tier below its bound, never above it.
      Iterator<Map.Entry<K, TierEntry<V>>> eldest = entries.entrySet().iterator();
      while (size() > maximumEntries && eldest.hasNext()) {
        Map.Entry<K, TierEntry<V>> entry = eldest.next();
        eldest.remove();
        evicted.add(new TierRemoval<>(entry.getKey(), entry.getValue().value()));
      }
    } finally {
      lock.writeLock().unlock();
    }
    context.reportRemovals(segment, TierRemoval.Cause.EVICTED, evicted);
  }

  /**
   * Removes every entry whose expiration time has passed by the context's clock, and reports
   * them; returns how many.
   */
  int purgeExpired() {
    long now = context.clock().currentTimeMillis();
    int purged = 0;
    for (int segment = 0; segment < segments.size(); segment++) {
      List<TierRemoval<K, V>> expired = new ArrayList<>();
      ReadWriteLock lock = locks.get(segment);
      lock.writeLock().lock();
      try {
        Iterator<Map.Entry<K, TierEntry<V>>> entries = segments.get(segment).entrySet().iterator();
        while (entries.hasNext()) {
          Map.Entry<K, TierEntry<V>> entry = entries.next();
          if (entry.getValue().expiresAtMillis() <= now) {
            entries.remove();
            expired.add(new TierRemoval<>(entry.getKey(), entry.getValue().value()));
          }
        }
      } finally {
        lock.writeLock().unlock();
      }
      context.reportRemovals(segment, TierRemoval.Cause.EXPIRED, expired);
      purged += expired.size();
    }
    return purged;
  }

  @Override
  public Iterator<K> keys(int segment) {
    return segments.get(segment).keySet().iterator();
  }

  @Override
  public long size() {
    return segments.stream().mapToLong(ConcurrentHashMap::size).sum();
  }

  @Override
  public void clear(int segment) {
    ReadWriteLock lock = locks.get(segment);
    lock.writeLock().lock();
    try {
      segments.get(segment).clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void saveHotKeys(List<K> hottestFirst) {
    sizeAtSave = size();
    closedAtSave = closed;
    savedHotKeys = List.copyOf(hottestFirst);
    hotKeySaves.incrementAndGet();
  }

  @Override
  public List<K> hotKeys() {
    return savedHotKeys;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Makes the next reads of {@code key} wait until {@link #releaseRead()}. */
  void holdRead(K key) {
    readArrived = new CountDownLatch(1);
    readGate = new CountDownLatch(1);
    heldReadKey = key;
  }

  /** Waits until a read of the held key is waiting; false if none came within ten seconds. */
  boolean awaitHeldRead() throws InterruptedException {
    return readArrived.await(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  void releaseRead() {
    heldReadKey = null;
    readGate.countDown();
  }

  /** Makes writes wait until {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  /** Makes writes of one segment wait until {@link #releaseSegment}; other segments go on. */
  void holdSegment(int segment) {
    segmentGates.put(segment, new CountDownLatch(1));
  }

  void releaseSegment(int segment) {
    CountDownLatch segmentGate = segmentGates.remove(segment);
    if (segmentGate != null) {
      segmentGate.countDown();
    }
  }

  /** Releases every held segment. */
  void releaseSegments() {
    for (Integer segment : List.copyOf(segmentGates.keySet())) {
      releaseSegment(segment);
    }
  }

  /** Returns the stored entry of a key, looking in every segment. */
  TierEntry<V> stored(K key) {
    for (ConcurrentHashMap<K, TierEntry<V>> map : segments) {
      TierEntry<V> entry = map.get(key);
      if (entry != null) {
        return entry;
      }
    }
    return null;
  }

  /** Puts an entry straight into the tier, as if a previous run had flushed it. */
  void preload(K key, V value, long expiresAtMillis) {
    int segment = TieredCache.segmentOf(TieredCache.spread(key.hashCode()), segments.size());
    segments.get(segment).put(key, new TierEntry<>(value, expiresAtMillis));
  }
}
