package dev.cairn.cache.core;

import java.time.Duration;
import java.util.Objects;

/** The write-behind settings a builder collected, checked. */
record WriteBehindSettings(
    int segments,
    Duration flushInterval,
    int batchSize,
    int bufferCapacity,
    BackPressure backPressure,
    Duration blockTimeout,
    Duration retryInitial,
    Duration retryMax,
    Duration closeTimeout) {

  /**
   * The settings being collected, with their defaults and checks, shared by
   * {@link TieredCacheBuilder} and {@link WriteBehindQueue.Builder} so both refuse the same values
   * with the same messages.
   */
  static final class Draft {
    private int segments = 8;
    private Duration flushInterval = Duration.ofMillis(100);
    private int batchSize = 512;
    private int bufferCapacity = 16_384;
    private BackPressure backPressure = BackPressure.BLOCK;
    private Duration blockTimeout = Duration.ofSeconds(30);
    private Duration retryInitial = Duration.ofMillis(50);
    private Duration retryMax = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(30);

    int segments() {
      return segments;
    }

    void segments(int count) {
      if (count < 1 || count > 1024) {
        throw new IllegalArgumentException("segments must be from 1 to 1024, was " + count);
      }
      this.segments = count;
    }

    void flushInterval(Duration interval) {
      this.flushInterval = positive(interval, "flushInterval");
    }

    void batchSize(int entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("flushBatchSize must be at least 1, was " + entries);
      }
      this.batchSize = entries;
    }

    void bufferCapacity(int entriesPerSegment) {
      if (entriesPerSegment < 1) {
        throw new IllegalArgumentException(
            "writeBufferCapacity must be at least 1, was " + entriesPerSegment);
      }
      this.bufferCapacity = entriesPerSegment;
    }

    void backPressure(BackPressure choice, Duration timeout) {
      this.backPressure = Objects.requireNonNull(choice, "backPressure");
      this.blockTimeout = positive(timeout, "timeout");
    }

    void retryBackoff(Duration initial, Duration max) {
      this.retryInitial = positive(initial, "initial");
      this.retryMax = positive(max, "max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retryBackoff max (" + max + ") is below initial ("
            + initial + ")");
      }
    }

    void closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
    }

    WriteBehindSettings settings() {
      return new WriteBehindSettings(segments, flushInterval, batchSize, bufferCapacity,
          backPressure, blockTimeout, retryInitial, retryMax, closeTimeout);
    }
  }

  static Duration positive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    return duration;
  }
}
