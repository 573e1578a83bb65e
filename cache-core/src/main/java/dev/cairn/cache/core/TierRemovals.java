package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierRemoval;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's side of a lower tier's removal reports (invariant "Readers agree"): what a tier
 * evicts or purges on its own is queued here and then dropped from memory, key by key under each
 * key's lock, so that a key the tier no longer holds is not served by memory either.
 *
 * <p>Reports arrive on the tier's threads, often while the tier holds its own locks and while a
 * flush lane holds its lane lock; taking a key's lock there would invert the lock order (key
 * stripe, then lane). So a report is only queued, and the queue is drained on another thread, and
 * also by every operation that enumerates the cache (iteration, size, clear, flush) before it
 * starts, so that they and {@code get} agree on what a flush or a bound has left.
 *
 * <p>A report may arrive while a write of its key is still pending: the very batch whose
 * application made the tier evict (the lane acknowledges a batch only after the tier returns), or
 * a newer write. Either way the key cannot be judged yet, so the report is parked until the next
 * batch is acknowledged ({@link #batchWritten}) and judged again then: a key back in the tier is
 * left alone, a key gone from it is dropped.
 */
final class TierRemovals<K, V> implements TierContext.RemovalListener<K, V> {

  private static final System.Logger LOG = System.getLogger(TierRemovals.class.getName());

  /** One reported removal, with the segment and cause it came with. */
  private record Report<K, V>(int segment, TierRemoval.Cause cause, TierRemoval<K, V> removal) {
  }

  /**
   * What the cache does with one report, under the key's lock; a null cause is a lost write.
   * Returns false if a write of the key is pending, so that the report must be judged again later.
   */
  @FunctionalInterface
  interface Reconciler<K, V> {
    boolean reconcile(int segment, TierRemoval.Cause cause, TierRemoval<K, V> removal);
  }

  private final String cacheName;
  private final Reconciler<K, V> reconciler;
  private final Executor background;
  private final ConcurrentLinkedQueue<Report<K, V>> queue = new ConcurrentLinkedQueue<>();
  // Reports whose key had a write pending; judged again after the next acknowledged batch.
  private final ConcurrentLinkedQueue<Report<K, V>> parked = new ConcurrentLinkedQueue<>();
  // At most one background drain is queued or running; a report made while one runs is drained by
  // it or by the next one it schedules.
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  // Held while reports are reconciled, so that a drain that finds the queue empty also knows that
  // every report taken from it by another thread has been reconciled. Taken without any key lock.
  private final ReentrantLock draining = new ReentrantLock();
  private volatile boolean stopped;

  TierRemovals(String cacheName, Reconciler<K, V> reconciler, Executor background) {
    this.cacheName = cacheName;
    this.reconciler = reconciler;
    this.background = background;
  }

  @Override
  public void removed(int segment, TierRemoval.Cause cause, List<TierRemoval<K, V>> removed) {
    queue(segment, java.util.Objects.requireNonNull(cause, "cause"), removed);
  }

  /**
   * Queues keys whose buffered writes the tier failed permanently and the engine dropped; they
   * reach the reconciler with a {@code null} cause.
   */
  void lost(int segment, List<TierRemoval<K, V>> lost) {
    queue(segment, null, lost);
  }

  private void queue(int segment, TierRemoval.Cause cause, List<TierRemoval<K, V>> removed) {
    for (TierRemoval<K, V> removal : removed) {
      queue.add(new Report<>(segment, cause, removal));
    }
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (stopped || queue.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      background.execute(() -> {
        try {
          drain();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "' could not drop from memory some"
              + " keys its lower tier evicted or purged; it retries at the next report or read", e);
        } finally {
          drainScheduled.set(false);
          scheduleDrain();
        }
      });
    } catch (RejectedExecutionException closing) {
      drainScheduled.set(false);
    }
  }

  /**
   * Reconciles every report queued so far on the calling thread, which must hold no key's lock.
   * Does nothing once the cache has stopped it.
   */
  void drain() {
    draining.lock();
    try {
      drainLocked();
    } finally {
      draining.unlock();
    }
  }

  private void drainLocked() {
    Report<K, V> report;
    while ((report = parked.poll()) != null) {
      queue.add(report);
    }
    List<Report<K, V>> stillPending = new java.util.ArrayList<>();
    while (!stopped && (report = queue.poll()) != null) {
      try {
        if (!reconciler.reconcile(report.segment(), report.cause(), report.removal())) {
          stillPending.add(report);
        }
      } catch (RuntimeException e) {
        // A synchronous listener that throws must not leave the other keys served from memory.
        LOG.log(Level.WARNING, () -> "Cache '" + cacheName + "': a listener failed on an entry"
            + " its lower tier dropped; the entry is dropped from memory all the same", e);
      }
    }
    parked.addAll(stillPending);
  }

  /**
   * Called after a flush lane acknowledged a batch: parked reports may be judged now, since the
   * write they waited for may have left the buffer.
   */
  void batchWritten() {
    if (!parked.isEmpty()) {
      Report<K, V> report;
      while ((report = parked.poll()) != null) {
        queue.add(report);
      }
      scheduleDrain();
    }
  }

  /** Returns whether no report waits to be reconciled or is being reconciled. */
  boolean isIdle() {
    return queue.isEmpty() && parked.isEmpty() && !draining.isLocked();
  }

  /** Stops draining, for a cache that is closing: memory is dropped whole then. */
  void stop() {
    stopped = true;
    queue.clear();
    parked.clear();
  }
}
