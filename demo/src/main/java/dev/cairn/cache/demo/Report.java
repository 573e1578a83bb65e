package dev.cairn.cache.demo;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What the default run measured, and its text.
 *
 * @param products products in the database
 * @param databaseLatency the simulated network latency of every query
 * @param requests requests sent through the cached service (reads and updates)
 * @param updates of which price updates, each evicting its product
 * @param withCache the latency of reads through the cache
 * @param withoutCache the latency of reads sent to the database directly
 * @param cache the cache's counters over the cached phase
 * @param databaseReads reads the repository served in the cached phase
 * @param memoryEntriesAtStart entries in the memory tier when the workload began (a warm restart
 *     refills it from disk)
 * @param firstSecond the cache in the cached phase's first second
 * @param previousRun the previous run's first second over the same data directory, if any
 */
public record Report(long products, Duration databaseLatency, int requests, int updates,
    Latency withCache, Latency withoutCache, CacheCounts cache, long databaseReads,
    long memoryEntriesAtStart, FirstSecond firstSecond, Optional<FirstSecond> previousRun) {

  /** Returns the reads sent through the cached service. */
  public long reads() {
    return requests - updates;
  }

  /** Returns the reads the database did not have to serve. */
  public long queriesAvoided() {
    return reads() - databaseReads;
  }

  /** Returns the report as printed. */
  public String text() {
    StringBuilder out = new StringBuilder();
    line(out, "Cairn demo: %,d products in H2, %s of simulated network latency per query",
        products, millis(databaseLatency));
    line(out, "");
    line(out, "                        reads        p50        p99");
    line(out, "  without the cache  %,9d  %9s  %9s   (the database directly)",
        withoutCache.count(), millis(withoutCache.p50()), millis(withoutCache.p99()));
    line(out, "  with the cache     %,9d  %9s  %9s   (@Cacheable; plus %,d updates, each evicting)",
        withCache.count(), millis(withCache.p50()), millis(withCache.p99()), updates);
    line(out, "");
    line(out, "  requests                 %,d (%,d reads, %,d updates)", requests, reads(), updates);
    line(out, "  hit rate                 %s of reads", percent(cache.hitRate()));
    line(out, "    memory tier            %s of %,d reads", percent(cache.memoryHitRate()),
        cache.memoryHits() + cache.memoryMisses());
    line(out, "    disk tier              %s of the %,d reads that missed memory",
        percent(cache.diskHitRate()), cache.diskHits() + cache.diskMisses());
    line(out, "  database queries avoided %,d of %,d reads (%,d went to the database)",
        queriesAvoided(), reads(), databaseReads);
    line(out, "");
    line(out, "  first second             %s hit rate, %s from memory (%,d reads; %,d entries in"
            + " memory at start)", percent(firstSecond.hitRate()),
        percent(firstSecond.memoryHitRate()), firstSecond.reads(), memoryEntriesAtStart);
    previousRun.ifPresentOrElse(
        previous -> line(out, "  previous run's           %s hit rate, %s from memory: this run"
                + " restarted %s", percent(previous.hitRate()), percent(previous.memoryHitRate()),
            memoryEntriesAtStart > 0 ? "warm, its memory refilled from disk" : "cold"),
        () -> line(out, "  a first run over this data directory: run again to see a warm"
            + " restart"));
    return out.toString();
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }

  private static String millis(Duration duration) {
    return String.format(Locale.ROOT, "%.3f ms", duration.toNanos() / 1e6);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
