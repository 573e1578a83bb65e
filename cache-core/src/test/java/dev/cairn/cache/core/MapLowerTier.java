package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lower tier on concurrent maps, for tests: it records every batch it accepts, and can be made
 * to fail or to hold batches (or a read of one key) until released. A {@link #persistent} one
 * keeps its entries and its hot-key snapshot from one cache to the next, as a disk tier does
 * across restarts.
 */
public final class MapLowerTier<K, V> implements LowerTier<K, V> {

  private List<ConcurrentHashMap<K, TierEntry<V>>> segments;
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
    List<ConcurrentHashMap<K, TierEntry<V>>> maps = new ArrayList<>();
    for (int i = 0; i < segments; i++) {
      maps.add(new ConcurrentHashMap<>());
    }
    this.segments = maps;
  }

  /**
   * A tier whose entries and saved hot keys outlive each cache opened over it (which must use the
   * same segment count); {@link #preload} works before the first build.
   */
  static <K, V> MapLowerTier<K, V> persistent(int segments) {
    return new MapLowerTier<>(segments);
  }

  @Override
  public String name() {
    return "map";
  }

  @Override
  public void open(TierContext<K, V> context) {
    this.context = context;
    this.closed = false;
    if (persistent) {
      if (segments.size() != context.segments()) {
        throw new IllegalStateException("persistent MapLowerTier has " + segments.size()
            + " segments, the cache " + context.segments());
      }
      return;
    }
    List<ConcurrentHashMap<K, TierEntry<V>>> maps = new ArrayList<>();
    for (int i = 0; i < context.segments(); i++) {
      maps.add(new ConcurrentHashMap<>());
    }
    this.segments = maps;
  }

  @Override
  public TierEntry<V> read(int segment, K key) {
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
    return segments.get(segment).get(key);
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
    for (TierWrite<K, V> write : batch) {
      if (write.isRemoval()) {
        segments.get(segment).remove(write.key());
      } else {
        segments.get(segment).put(write.key(), new TierEntry<>(write.value(),
            write.expiresAtMillis()));
      }
      history.computeIfAbsent(write.key(), k -> Collections.synchronizedList(new ArrayList<>()))
          .add(write);
    }
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
    segments.get(segment).clear();
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
