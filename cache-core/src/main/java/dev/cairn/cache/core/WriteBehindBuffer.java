package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.TierWrite;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One segment's pending writes, coalesced by key: the latest value or tombstone wins.
 *
 * <p>An entry stays here until the lower tier has accepted it, so a reader that misses memory and
 * finds nothing here finds the entry below. The flusher removes an entry only if it is still the
 * very write it flushed; a newer write to the same key stays for the next batch, which keeps the
 * order of writes per key.
 */
final class WriteBehindBuffer<K, V> {

  // Reads are lock-free; the lock only makes the capacity check and the insert one step.
  private final ConcurrentHashMap<K, TierWrite<K, V>> pending = new ConcurrentHashMap<>();
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition spaceFreed = lock.newCondition();

  WriteBehindBuffer(int capacity) {
    this.capacity = capacity;
  }

  TierWrite<K, V> get(K key) {
    return pending.get(key);
  }

  int size() {
    return pending.size();
  }

  int capacity() {
    return capacity;
  }

  /**
   * Buffers a write, waiting up to {@code timeoutNanos} for space. Replacing a pending write of the
   * same key never needs space. Returns false if the buffer stayed full.
   */
  boolean offer(TierWrite<K, V> write, long timeoutNanos) throws InterruptedException {
    long remaining = timeoutNanos;
    lock.lockInterruptibly();
    try {
      while (pending.size() >= capacity && !pending.containsKey(write.key())) {
        if (remaining <= 0L) {
          return false;
        }
        remaining = spaceFreed.awaitNanos(remaining);
      }
      pending.put(write.key(), write);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Returns up to {@code max} pending writes, in no particular order. */
  List<TierWrite<K, V>> batch(int max) {
    List<TierWrite<K, V>> batch = new ArrayList<>(Math.min(max, pending.size()));
    for (TierWrite<K, V> write : pending.values()) {
      if (batch.size() == max) {
        break;
      }
      batch.add(write);
    }
    return batch;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Returns the keys pending now; writes made later are not included. */
  List<K> keysNow() {
    return new ArrayList<>(pending.keySet());
  }

  /** Drops the writes the lower tier accepted, unless a newer write replaced them meanwhile. */
  void acknowledge(Collection<TierWrite<K, V>> flushed) {
    for (TierWrite<K, V> write : flushed) {
      // Identity, not equals: user values' equals may be costly or broken.
      pending.computeIfPresent(write.key(), (k, current) -> current == write ? null : current);
    }
    signalSpace();
  }

  /** Drops every pending write; the caller holds every key's lock. */
  void clear() {
    pending.clear();
    signalSpace();
  }

  private void signalSpace() {
    lock.lock();
    try {
      spaceFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  static long toNanos(java.time.Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return TimeUnit.DAYS.toNanos(365L * 100);
    }
  }
}
