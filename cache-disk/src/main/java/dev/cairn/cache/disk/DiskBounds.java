package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.LowerTier;

/**
 * One segment's share of the disk tier's bounds. Eviction runs when a bound is passed and stops at
 * 95% of it, so that it runs once per few thousand writes instead of on every batch.
 *
 * @param maxEntries the most entries the segment keeps ({@link LowerTier#UNBOUNDED}: unbounded)
 * @param maxBytes the most bytes of keys and records the segment keeps
 */
record DiskBounds(long maxEntries, long maxBytes) {

  /** Splits whole-tier bounds over the segments, rounding up so the whole is never undershot. */
  static DiskBounds perSegment(long maxEntries, long maxBytes, int segments) {
    return new DiskBounds(share(maxEntries, segments), share(maxBytes, segments));
  }

  private static long share(long total, int segments) {
    return total == LowerTier.UNBOUNDED ? LowerTier.UNBOUNDED : (total + segments - 1) / segments;
  }

  boolean within(long entries, long bytes) {
    return entries <= maxEntries && bytes <= maxBytes;
  }

  boolean withinTarget(long entries, long bytes) {
    return entries <= target(maxEntries) && bytes <= target(maxBytes);
  }

  private static long target(long bound) {
    return bound == LowerTier.UNBOUNDED ? bound : bound - bound / 20;
  }
}
