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
 * to fail or to hold batches until released.
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
  volatile TierContext context;
  volatile boolean closed;

  @Override
  public String name() {
    return "map";
  }

  @Override
  public void open(TierContext context) {
    this.context = context;
    List<ConcurrentHashMap<K, TierEntry<V>>> maps = new ArrayList<>();
    for (int i = 0; i < context.segments(); i++) {
      maps.add(new ConcurrentHashMap<>());
    }
    this.segments = maps;
  }

  @Override
  public TierEntry<V> read(int segment, K key) {
    reads.incrementAndGet();
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
  public void close() {
    closed = true;
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
