package dev.cairn.cache.core;

/**
 * A snapshot of a cache's statistics, counted the way JSR-107 counts them.
 *
 * <p>Cache-level counts: a get is a hit if any tier had the value. Tier counts: a memory miss is a
 * lookup that went below the memory tier, where it was a lower hit (found in the write-behind
 * buffer or the lower tier) or a lower miss. {@code evictions} counts entries that left the cache
 * for a bound, the lower tier's included; {@code memoryEvictions} counts entries dropped from the memory tier only, which in
 * a tiered cache loses nothing.
 *
 * @param hits reads that found a value
 * @param misses reads that found none
 * @param puts values stored
 * @param removals values removed by remove operations
 * @param evictions entries that left the cache to keep it within its bound
 * @param expirations entries found expired and dropped
 * @param getTimeNanos total time spent in reads, for the average
 * @param putTimeNanos total time spent in puts
 * @param removeTimeNanos total time spent in removes
 * @param memoryHits reads served by the memory tier
 * @param memoryMisses reads the memory tier could not serve
 * @param lowerHits reads served by the write-behind buffer or the lower tier
 * @param lowerMisses reads that found nothing in the lower tier either
 * @param memoryEvictions entries the memory tier dropped to stay within its bound
 * @param lowerEvictions entries the lower tier evicted to stay within its own bound (included in
 *     {@code evictions})
 * @param pendingWrites writes buffered now and not yet flushed
 * @param flushedBatches batches the lower tier accepted
 * @param flushedEntries entries in those batches
 * @param flushFailures batches (and write-throughs) the lower tier refused
 * @param flushTimeNanos total time spent writing accepted batches
 */
public record CacheStatistics(
    long hits,
    long misses,
    long puts,
    long removals,
    long evictions,
    long expirations,
    long getTimeNanos,
    long putTimeNanos,
    long removeTimeNanos,
    long memoryHits,
    long memoryMisses,
    long lowerHits,
    long lowerMisses,
    long memoryEvictions,
    long lowerEvictions,
    long pendingWrites,
    long flushedBatches,
    long flushedEntries,
    long flushFailures,
    long flushTimeNanos) {

  /** Returns reads, hits plus misses. */
  public long gets() {
    return hits + misses;
  }

  /** Returns the mean time of a read in nanoseconds, or 0 when there were none. */
  public double averageGetTimeNanos() {
    long gets = gets();
    return gets == 0 ? 0.0 : (double) getTimeNanos / gets;
  }

  /** Returns the mean time of a put in nanoseconds, or 0 when there were none. */
  public double averagePutTimeNanos() {
    return puts == 0 ? 0.0 : (double) putTimeNanos / puts;
  }

  /** Returns the mean time of a removal in nanoseconds, or 0 when there were none. */
  public double averageRemoveTimeNanos() {
    return removals == 0 ? 0.0 : (double) removeTimeNanos / removals;
  }

  /** Returns the share of reads that were hits, or 0 when there were none. */
  public double hitRate() {
    long gets = gets();
    return gets == 0 ? 0.0 : (double) hits / gets;
  }
}
