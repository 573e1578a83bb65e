package dev.cairn.cache.demo;

import java.time.Duration;
import java.util.Arrays;

/**
 * The latency of a phase's reads, as measured by its clients.
 *
 * @param count reads measured
 * @param p50 the median
 * @param p99 the 99th percentile: what one read in a hundred waits at least
 */
public record Latency(int count, Duration p50, Duration p99) {

  /** Summarizes the measured times, in nanoseconds (sorts the array). */
  static Latency of(long[] nanos) {
    if (nanos.length == 0) {
      return new Latency(0, Duration.ZERO, Duration.ZERO);
    }
    Arrays.sort(nanos);
    return new Latency(nanos.length, Duration.ofNanos(percentile(nanos, 0.50)),
        Duration.ofNanos(percentile(nanos, 0.99)));
  }

  // Nearest rank: the smallest value with at least q of the values at or below it.
  private static long percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }
}
