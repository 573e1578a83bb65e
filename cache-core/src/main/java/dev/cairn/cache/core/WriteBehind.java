package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.PartialBatchException;
import dev.cairn.cache.core.tier.TierException;
import dev.cairn.cache.core.tier.TierWrite;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write-behind machinery over a {@link LowerTier}: one bounded, coalescing buffer and one flush
 * lane per segment.
 *
 * <p>A lane is a segment's single writer into the lower tier: its lock is held while a batch of that
 * segment is written, by the background flusher, by {@link #flush()} and by a write-through under
 * back-pressure, so batches of one segment never overlap and never reorder. Lanes of different
 * segments run on different threads, so a slow segment holds up only its own writers, and only once
 * its buffer is full.
 *
 * <p>A failed batch stays in the buffer and the lane retries it with exponential back-off; writers
 * meanwhile keep filling the buffer until back-pressure stops them.
 */
final class WriteBehind<K, V> {

  private static final System.Logger LOG = System.getLogger(WriteBehind.class.getName());

  /** Where the lanes write: a lower tier, or a {@link WriteBehindQueue}'s sink. */
  @FunctionalInterface
  interface Target<K, V> {
    void write(int segment, List<TierWrite<K, V>> batch);
  }

  private final String cacheName;
  // Where batches go, as messages name it: "the disk tier", say.
  private final String targetName;
  private final Target<K, V> target;
  private final WriteBehindBuffer<K, V>[] buffers;
  private final ReentrantLock[] lanes;
  private final AtomicBoolean[] laneScheduled;
  private final AtomicInteger[] failureStreaks;
  private final int batchSize;
  // Pending entries at which a lane starts before the timer: half the buffer, or a batch if more.
  private final int earlyFlushAt;
  private final Duration flushInterval;
  private final BackPressure backPressure;
  private final long blockTimeoutNanos;
  private final long retryInitialMillis;
  private final long retryMaxMillis;
  private final ScheduledExecutorService timer;
  private final ExecutorService laneExecutor;
  // Told of writes the target failed permanently and that left the buffer; set before start().
  private volatile LostWrites<K, V> lostWrites = (segment, lost) -> { };
  // Run after each batch the target accepted has left the buffer; set before start().
  private volatile Runnable afterBatch = () -> { };

  /** Receives writes that were dropped after a permanent failure; see {@link TierException}. */
  @FunctionalInterface
  interface LostWrites<K, V> {
    void lost(int segment, List<TierWrite<K, V>> lost);
  }

  final LongAdder flushedBatches = new LongAdder();
  final LongAdder flushedEntries = new LongAdder();
  final LongAdder flushFailures = new LongAdder();
  final LongAdder flushNanos = new LongAdder();
  final LongAdder writeThroughs = new LongAdder();
  final LongAdder writesLost = new LongAdder();

  @SuppressWarnings("unchecked")
  WriteBehind(String cacheName, String targetName, Target<K, V> target,
      WriteBehindSettings settings) {
    this.cacheName = cacheName;
    this.targetName = targetName;
    this.target = target;
    int segments = settings.segments();
    // A batch larger than the buffer could never fill, and blocked writers would wait for the
    // timer: a full buffer must count as a full batch.
    this.batchSize = Math.min(settings.batchSize(), settings.bufferCapacity());
    // Below half the buffer, writes wait for the timer: a burst that fits is absorbed without disk
    // work competing with the writers (and coalesces), at most one interval late as always. Above
    // it, lanes write full batches at once, so that steady writers rarely meet a full buffer.
    this.earlyFlushAt = Math.max(batchSize, settings.bufferCapacity() / 2);
    this.flushInterval = settings.flushInterval();
    this.backPressure = settings.backPressure();
    this.blockTimeoutNanos = WriteBehindBuffer.toNanos(settings.blockTimeout());
    this.retryInitialMillis = Math.max(1L, settings.retryInitial().toMillis());
    this.retryMaxMillis = Math.max(retryInitialMillis, settings.retryMax().toMillis());
    this.buffers = new WriteBehindBuffer[segments];
    this.lanes = new ReentrantLock[segments];
    this.laneScheduled = new AtomicBoolean[segments];
    this.failureStreaks = new AtomicInteger[segments];
    for (int i = 0; i < segments; i++) {
      buffers[i] = new WriteBehindBuffer<>(settings.bufferCapacity());
      lanes[i] = new ReentrantLock();
      laneScheduled[i] = new AtomicBoolean();
      failureStreaks[i] = new AtomicInteger();
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("cairn-flush-timer-" + cacheName));
    this.laneExecutor = Executors.newCachedThreadPool(daemon("cairn-flush-" + cacheName));
  }

  void onWritesLost(LostWrites<K, V> listener) {
    this.lostWrites = listener;
  }

  void afterBatch(Runnable hook) {
    this.afterBatch = hook;
  }

  /** The lanes' pool, for the cache's own background work that must not hold a key's lock. */
  java.util.concurrent.Executor background() {
    return laneExecutor;
  }

  void start() {
    long millis = Math.max(1L, flushInterval.toMillis());
    timer.scheduleWithFixedDelay(this::flushAllInBackground, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Returns the pending write of a key, or null. */
  TierWrite<K, V> pending(int segment, K key) {
    return buffers[segment].get(key);
  }

  int pendingCount() {
    int sum = 0;
    for (WriteBehindBuffer<K, V> buffer : buffers) {
      sum += buffer.size();
    }
    return sum;
  }

  List<K> pendingKeys(int segment) {
    return buffers[segment].keysNow();
  }

  /**
   * Accepts one write of a key whose lock the caller holds: buffers it, or applies back-pressure
   * when the segment's buffer is full. Throws {@link CacheWriteException} if the write could not be
   * accepted; the cache is then unchanged.
   */
  void write(int segment, TierWrite<K, V> write) {
    WriteBehindBuffer<K, V> buffer = buffers[segment];
    boolean buffered;
    try {
      buffered = buffer.offer(write, backPressure == BackPressure.BLOCK ? blockTimeoutNanos : 0L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheWriteException("Interrupted while waiting for space in the write-behind buffer"
          + " of cache '" + cacheName + "', segment " + segment + "; the write was not made", e);
    }
    if (buffered) {
      if (buffer.size() >= earlyFlushAt) {
        requestFlush(segment, false);
      }
      return;
    }
    requestFlush(segment, true);
    if (backPressure == BackPressure.BLOCK) {
      throw new CacheWriteException("The write-behind buffer of cache '" + cacheName + "', segment "
          + segment + ", stayed full (" + buffer.capacity() + " entries) for "
          + TimeUnit.NANOSECONDS.toMillis(blockTimeoutNanos) + " ms: " + targetName
          + " is not keeping up or is failing. The write was not made; raise the buffer"
          + " capacity or the block timeout, or choose BackPressure.WRITE_THROUGH", null);
    }
    writeThrough(segment, write);
  }

  // The key is not in the buffer (a pending write would have been replaced in place), so no older
  // write of it can reach the tier after this one; the lane lock keeps batches of the segment apart.
  private void writeThrough(int segment, TierWrite<K, V> write) {
    lanes[segment].lock();
    try {
      target.write(segment, List.of(write));
      writeThroughs.increment();
      afterBatch.run();
    } catch (RuntimeException e) {
      flushFailures.increment();
      throw new CacheWriteException("Write-through to " + targetName + " of cache '"
          + cacheName + "', segment " + segment + ", failed; the write was not made", e);
    } finally {
      lanes[segment].unlock();
    }
  }

  private void flushAllInBackground() {
    for (int segment = 0; segment < buffers.length; segment++) {
      if (buffers[segment].size() > 0 && failureStreaks[segment].get() == 0) {
        requestFlush(segment, true);
      }
    }
  }

  /**
   * Starts the segment's lane unless it is running. A lane started early, by a buffer half full,
   * writes only full batches, so a steady stream of writes is committed in large batches; one
   * started by the timer ({@code partial}) also writes the remainder, which bounds how long a write
   * waits.
   */
  private void requestFlush(int segment, boolean partial) {
    if (laneScheduled[segment].compareAndSet(false, true)) {
      try {
        laneExecutor.execute(() -> runLane(segment, partial));
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        laneScheduled[segment].set(false);
      }
    }
  }

  private void runLane(int segment, boolean partial) {
    boolean failed = true;
    try {
      lanes[segment].lock();
      try {
        failed = !drain(segment, partial);
      } finally {
        lanes[segment].unlock();
      }
    } finally {
      laneScheduled[segment].set(false);
    }
    if (failed) {
      scheduleRetry(segment);
    } else if (buffers[segment].size() >= earlyFlushAt) {
      requestFlush(segment, false);
    }
  }

  /**
   * Writes full batches while there are any, and with {@code partial} also what was pending when
   * it started; returns false after a failed batch.
   */
  private boolean drain(int segment, boolean partial) {
    WriteBehindBuffer<K, V> buffer = buffers[segment];
    int owed = partial ? (buffer.size() + batchSize - 1) / batchSize : 0;
    while (owed-- > 0 || buffer.size() >= batchSize) {
      List<TierWrite<K, V>> batch = buffer.batch(batchSize);
      if (batch.isEmpty()) {
        return true;
      }
      try {
        writeBatch(segment, batch);
      } catch (RuntimeException e) {
        if (TierException.isPermanent(e) && writeOneByOne(segment, batch, e) == 0) {
          continue;
        }
        int streak = failureStreaks[segment].incrementAndGet();
        LOG.log(Level.WARNING, () -> "Flushing " + batch.size() + " entries of cache '" + cacheName
            + "', segment " + segment + ", to " + targetName + " failed (" + streak
            + " in a row); the entries stay buffered and are retried", e);
        return false;
      }
    }
    return true;
  }

  private void writeBatch(int segment, List<TierWrite<K, V>> batch) {
    long start = System.nanoTime();
    try {
      target.write(segment, batch);
    } catch (PartialBatchException e) {
      flushFailures.increment();
      acknowledgeApplied(segment, e);
      throw e;
    } catch (RuntimeException e) {
      flushFailures.increment();
      throw e;
    }
    flushNanos.add(System.nanoTime() - start);
    flushedBatches.increment();
    flushedEntries.add(batch.size());
    buffers[segment].acknowledge(batch);
    afterBatch.run();
    if (failureStreaks[segment].getAndSet(0) > 0) {
      LOG.log(Level.INFO, () -> "Flushing cache '" + cacheName + "', segment " + segment
          + ", to " + targetName + " works again");
    }
  }

  /**
   * After a permanent failure of a batch: tries each of its writes still buffered once on its own,
   * so that one bad entry costs only itself. A write that fails permanently alone is dropped from
   * the buffer, counted and logged, and handed to the lost-writes listener; one that fails
   * transiently stays for the retry. Returns how many writes stay buffered for a retry.
   */
  private int writeOneByOne(int segment, List<TierWrite<K, V>> batch, RuntimeException failure) {
    LOG.log(Level.ERROR, () -> "Flushing " + batch.size() + " entries of cache '" + cacheName
        + "', segment " + segment + ", to " + targetName + " failed permanently; trying each"
        + " entry once on its own, and dropping those that fail permanently again", failure);
    WriteBehindBuffer<K, V> buffer = buffers[segment];
    List<TierWrite<K, V>> lost = new ArrayList<>();
    int retry = 0;
    for (TierWrite<K, V> write : batch) {
      if (buffer.get(write.key()) != write) {
        continue; // applied before the failure, or replaced by a newer write meanwhile
      }
      try {
        target.write(segment, List.of(write));
        buffer.acknowledge(List.of(write));
        flushedEntries.increment();
      } catch (RuntimeException e) {
        flushFailures.increment();
        if (TierException.isPermanent(e)) {
          buffer.acknowledge(List.of(write));
          lost.add(write);
          LOG.log(Level.ERROR, () -> "Cache '" + cacheName + "' dropped a write of a "
              + write.key().getClass().getName() + " key, segment " + segment + ": " + targetName
              + " refused it permanently; the key now reads as " + targetName + " holds it", e);
        } else {
          retry++;
        }
      }
    }
    if (!lost.isEmpty()) {
      writesLost.add(lost.size());
      lostWrites.lost(segment, lost);
    }
    afterBatch.run();
    return retry;
  }

  // What the target applied before failing leaves the buffer now, so the retry resends only the
  // rest; acknowledge() compares by identity, so only these very writes are dropped.
  @SuppressWarnings("unchecked")
  private void acknowledgeApplied(int segment, PartialBatchException failure) {
    buffers[segment].acknowledge((List<TierWrite<K, V>>) (List<?>) failure.applied());
  }

  private void scheduleRetry(int segment) {
    int streak = Math.min(failureStreaks[segment].get(), 30);
    long delay = Math.min(retryMaxMillis, retryInitialMillis << Math.max(0, streak - 1));
    try {
      timer.schedule(() -> requestFlush(segment, true), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      // close() drains what is left itself
    }
  }

  /**
   * Writes every entry buffered before this call, or a newer write of its key, to the lower tier,
   * segment by segment. Throws {@link CacheWriteException} if a batch fails; the entries stay
   * buffered and the background lanes keep retrying them.
   */
  void flush() {
    // Segments flush in parallel: with a disk tier each one ends in its own forced write, and a
    // flush should cost about one of those, not one per segment. Empty segments cost nothing.
    List<CompletableFuture<Void>> others = new ArrayList<>();
    for (int segment = 1; segment < buffers.length; segment++) {
      if (!buffers[segment].isEmpty()) {
        others.add(flushAsync(segment));
      }
    }
    RuntimeException failure = null;
    try {
      flushSegment(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (CompletableFuture<Void> other : others) {
      try {
        other.join();
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private CompletableFuture<Void> flushAsync(int segment) {
    try {
      return CompletableFuture.runAsync(() -> flushSegment(segment), laneExecutor);
    } catch (RejectedExecutionException closing) {
      // close() has stopped the lanes and flushes what is left: on this thread, then
      return CompletableFuture.runAsync(() -> flushSegment(segment), Runnable::run);
    }
  }

  private void flushSegment(int segment) {
    WriteBehindBuffer<K, V> buffer = buffers[segment];
    // Keys present now; anything written later is not promised by this flush.
    List<K> keys = buffer.keysNow();
    if (keys.isEmpty()) {
      return;
    }
    long lostBefore = writesLost.sum();
    lanes[segment].lock();
    try {
      List<TierWrite<K, V>> batch = new ArrayList<>(Math.min(batchSize, keys.size()));
      for (K key : keys) {
        TierWrite<K, V> write = buffer.get(key);
        if (write != null) {
          batch.add(write);
        }
        if (batch.size() == batchSize) {
          writeBatchOrThrow(segment, batch);
          batch = new ArrayList<>(batchSize);
        }
      }
      if (!batch.isEmpty()) {
        writeBatchOrThrow(segment, batch);
      }
    } finally {
      lanes[segment].unlock();
    }
    long lost = writesLost.sum() - lostBefore;
    if (lost > 0) {
      // Nothing of them stays buffered, but the flush must not pretend they reached the tier.
      throw new CacheWriteException("Flushing cache '" + cacheName + "', segment " + segment
          + ", to " + targetName + ": " + lost + " writes were refused permanently and dropped;"
          + " their keys now read as " + targetName + " holds them (see the log)", null);
    }
  }

  private void writeBatchOrThrow(int segment, List<TierWrite<K, V>> batch) {
    try {
      writeBatch(segment, batch);
    } catch (RuntimeException e) {
      if (TierException.isPermanent(e) && writeOneByOne(segment, batch, e) == 0) {
        return; // what failed for good was dropped; flushSegment reports it at the end
      }
      failureStreaks[segment].incrementAndGet();
      scheduleRetry(segment);
      throw new CacheWriteException("Flushing cache '" + cacheName + "', segment " + segment
          + ", to " + targetName + " failed; " + buffers[segment].size()
          + " entries stay buffered and are retried in the background", e);
    }
  }

  /** Runs {@code action} while holding every lane, so no batch is in flight. */
  void withAllLanes(Runnable action) {
    int locked = 0;
    try {
      for (; locked < lanes.length; locked++) {
        lanes[locked].lock();
      }
      action.run();
    } finally {
      for (int i = 0; i < locked; i++) {
        lanes[i].unlock();
      }
    }
  }

  /** Drops every buffered write; the caller holds every key's lock and every lane. */
  void clearBuffers() {
    for (WriteBehindBuffer<K, V> buffer : buffers) {
      buffer.clear();
    }
  }

  /**
   * Stops the background lanes and flushes what is left, retrying with back-off until
   * {@code timeout} has passed. Throws {@link CacheWriteException} naming how many entries could
   * not be written.
   */
  void close(Duration timeout) throws InterruptedException {
    timer.shutdownNow();
    laneExecutor.shutdown();
    laneExecutor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    long deadline = System.nanoTime() + WriteBehindBuffer.toNanos(timeout);
    long delay = retryInitialMillis;
    while (true) {
      try {
        flush();
        return;
      } catch (CacheWriteException e) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
          throw new CacheWriteException("Closing cache '" + cacheName + "': " + pendingCount()
              + " buffered entries could not be written to " + targetName + " within "
              + timeout.toMillis() + " ms and are lost", e);
        }
        TimeUnit.MILLISECONDS.sleep(delay);
        delay = Math.min(retryMaxMillis, delay * 2);
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
