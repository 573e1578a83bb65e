package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.PartialBatchException;
import dev.cairn.cache.core.tier.KeyPlacement;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Writes changes behind to a sink of the application's, such as a JSR-107 {@code CacheWriter},
 * with the machinery that flushes a {@link TieredCache} to its lower tier: keys spread over
 * segments, a bounded buffer per segment that keeps only each key's latest change (a put followed
 * by a remove reaches the sink as one remove), and a flush lane per segment that writes a batch as
 * soon as one fills and everything pending at least every flush interval.
 *
 * <p>Changes of one key reach the sink in the order they were made, provided the caller never
 * makes two changes of one key at once (Cairn's JCache layer makes them under the engine's lock of
 * the key). A batch the sink refuses stays buffered and is retried with exponential back-off while
 * the queue is open; so the sink sees every change at least once, possibly more often, and a
 * repeat must be harmless. A sink that applied part of a batch says which part with a
 * {@link PartialBatchException}, and only the rest is retried. When a segment's buffer is full, a
 * change either waits for room ({@link BackPressure#BLOCK}) or is handed to the sink on the
 * caller's thread ({@link BackPressure#WRITE_THROUGH}).
 *
 * <p>What is buffered lives in memory only: a process that dies loses what had not reached the
 * sink, at most a flush interval's worth or a buffer's, whichever fills first.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class WriteBehindQueue<K, V> implements AutoCloseable {

  /**
   * Where a {@link WriteBehindQueue} writes: called with one segment's batch at a time, from the
   * segment's flush lane (different segments may call at once), and on a writer's thread under
   * {@link BackPressure#WRITE_THROUGH}.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  @FunctionalInterface
  public interface Sink<K, V> {

    /**
     * Applies a batch holding at most one change per key: a value to store, or a removal when
     * {@link TierWrite#isRemoval()}. Throwing has the batch retried later; throwing a
     * {@link PartialBatchException} has only the writes it does not name retried.
     */
    void write(List<TierWrite<K, V>> batch);
  }

  private final String name;
  private final int segments;
  private final Duration closeTimeout;
  private final WriteBehind<K, V> lanes;
  private volatile boolean closed;

  private WriteBehindQueue(Builder<K, V> builder) {
    this.name = builder.name;
    WriteBehindSettings settings = builder.draft.settings();
    this.segments = settings.segments();
    this.closeTimeout = settings.closeTimeout();
    Sink<K, V> sink = builder.sink;
    this.lanes = new WriteBehind<>(name, builder.sinkName, (segment, batch) -> sink.write(batch),
        settings);
    lanes.start();
  }

  /**
   * Starts building a queue.
   *
   * @param name a name for threads and messages, such as the cache's
   * @param sinkName what messages call the sink, such as {@code "the writer com.example.UserWriter"}
   * @param sink where batches go
   */
  public static <K, V> Builder<K, V> builder(String name, String sinkName, Sink<K, V> sink) {
    return new Builder<>(name, sinkName, sink);
  }

  /**
   * Queues storing {@code value} under {@code key}, replacing any change of the key still waiting.
   *
   * @throws CacheWriteException if the segment's buffer stayed full for the back-pressure timeout,
   *     or the sink failed a write made on this thread under back-pressure; nothing was queued
   * @throws IllegalStateException if the queue is closed
   */
  public void put(K key, V value) {
    enqueue(new TierWrite<>(key, Objects.requireNonNull(value, "value"),
        TierEntry.NEVER_EXPIRES));
  }

  /**
   * Queues removing {@code key}, replacing any change of the key still waiting.
   *
   * @throws CacheWriteException as {@link #put}
   * @throws IllegalStateException if the queue is closed
   */
  public void remove(K key) {
    enqueue(new TierWrite<>(key, null, 0L));
  }

  private void enqueue(TierWrite<K, V> write) {
    if (closed) {
      throw new IllegalStateException("The write-behind queue of '" + name + "' is closed");
    }
    lanes.write(KeyPlacement.segmentOf(write.key(), segments), write);
  }

  /**
   * Returns once every change queued before this call (or a newer change of its key) has been
   * accepted by the sink.
   *
   * @throws CacheWriteException if the sink failed a batch; its changes stay queued and are retried
   */
  public void flush() {
    lanes.flush();
  }

  /** Returns how many keys have a change waiting for the sink. */
  public int pendingCount() {
    return lanes.pendingCount();
  }

  /** Returns how many changes the sink has accepted in batches so far. */
  public long flushedEntries() {
    return lanes.flushedEntries.sum();
  }

  /** Returns how many batches the sink has accepted so far. */
  public long flushedBatches() {
    return lanes.flushedBatches.sum();
  }

  /** Returns how many times the sink has failed a batch or a write so far. */
  public long flushFailures() {
    return lanes.flushFailures.sum();
  }

  /**
   * Stops queueing, then hands everything still waiting to the sink, retrying failures with
   * back-off for up to the close timeout. Closing twice does nothing.
   *
   * @throws CacheWriteException naming how many changes never reached the sink
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      lanes.close(closeTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheWriteException("Interrupted while closing the write-behind queue of '" + name
          + "'; " + lanes.pendingCount() + " changes did not reach the sink", e);
    }
  }

  @Override
  public String toString() {
    return "WriteBehindQueue[" + name + ", " + pendingCount() + " pending]";
  }

  /**
   * Builds a {@link WriteBehindQueue}. The defaults and limits are those of
   * {@link TieredCacheBuilder}'s settings of the same names.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {

    private final String name;
    private final String sinkName;
    private final Sink<K, V> sink;
    private final WriteBehindSettings.Draft draft = new WriteBehindSettings.Draft();

    private Builder(String name, String sinkName, Sink<K, V> sink) {
      this.name = Objects.requireNonNull(name, "name");
      this.sinkName = Objects.requireNonNull(sinkName, "sinkName");
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Sets how many segments, each with its own buffer and lane, keys are spread over; default 8. */
    public Builder<K, V> segments(int segments) {
      draft.segments(segments);
      return this;
    }

    /** Sets the longest a change waits before a flush picks it up; default 100 ms. */
    public Builder<K, V> flushInterval(Duration interval) {
      draft.flushInterval(interval);
      return this;
    }

    /**
     * Sets the most changes handed to the sink in one batch; default 512. A segment's changes go
     * to the sink every flush interval, and sooner, in full batches, once its buffer is half full
     * (or holds a full batch, if that is more).
     */
    public Builder<K, V> flushBatchSize(int entries) {
      draft.batchSize(entries);
      return this;
    }

    /** Sets how many distinct keys each segment's buffer holds; default 16,384. */
    public Builder<K, V> writeBufferCapacity(int entriesPerSegment) {
      draft.bufferCapacity(entriesPerSegment);
      return this;
    }

    /** Sets what a change meets when its segment's buffer is full; default block for 30 s. */
    public Builder<K, V> backPressure(BackPressure backPressure, Duration timeout) {
      draft.backPressure(backPressure, timeout);
      return this;
    }

    /** Sets the first and the longest wait between retries of a failed batch. */
    public Builder<K, V> retryBackoff(Duration initial, Duration max) {
      draft.retryBackoff(initial, max);
      return this;
    }

    /** Sets how long {@link #close()} keeps retrying a failing sink; default 30 s. */
    public Builder<K, V> closeTimeout(Duration timeout) {
      draft.closeTimeout(timeout);
      return this;
    }

    /** Builds the queue and starts its flush timer. */
    public WriteBehindQueue<K, V> build() {
      return new WriteBehindQueue<>(this);
    }
  }
}
