package dev.cairn.cache.demo;

/**
 * The products cache's counters at one moment, or the difference between two moments, as its
 * Micrometer meters report them: the very figures {@code /actuator/prometheus} exports.
 *
 * @param hits reads that found the product in the cache ({@code cache.gets{result=hit}})
 * @param misses reads that went to the database ({@code cache.gets{result=miss}})
 * @param memoryHits reads the memory tier served ({@code cache.tier.gets{tier=memory,result=hit}})
 * @param memoryMisses reads that went below memory
 * @param diskHits reads the disk tier (or its write-behind buffer) served
 * @param diskMisses reads that found nothing on disk either
 */
public record CacheCounts(long hits, long misses, long memoryHits, long memoryMisses,
    long diskHits, long diskMisses) {

  /** Returns the counts since {@code earlier}. */
  CacheCounts since(CacheCounts earlier) {
    return new CacheCounts(hits - earlier.hits, misses - earlier.misses,
        memoryHits - earlier.memoryHits, memoryMisses - earlier.memoryMisses,
        diskHits - earlier.diskHits, diskMisses - earlier.diskMisses);
  }

  /** Returns the reads counted. */
  public long gets() {
    return hits + misses;
  }

  /** Returns the share of reads served by the cache, either tier. */
  public double hitRate() {
    return share(hits, gets());
  }

  /** Returns the share of all reads that the memory tier served. */
  public double memoryHitRate() {
    return share(memoryHits, memoryHits + memoryMisses);
  }

  /** Returns the share of the reads that reached the disk tier (memory misses) it served. */
  public double diskHitRate() {
    return share(diskHits, diskHits + diskMisses);
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
