package dev.cairn.cache.disk;

import dev.cairn.cache.core.TieredCache;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link CrashSafetyTest} kills: opens the cache (recovering it if the last process was
 * killed), checks it against the oracle, then writes the stream under write-behind and records
 * every completed {@code flush()} in the oracle file, until it is killed.
 *
 * <p>Arguments: cache directory, oracle file, seed. Prints {@code OPENED}, {@code VERIFIED} or
 * {@code VIOLATION ...} lines on standard output; exits 3 on a violation.
 */
public final class CrashWriter {

  private CrashWriter() {
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    Path oracle = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    long flushed = CrashScenario.lastFlushed(oracle);
    try (TieredCache<String, String> cache = CrashScenario.open(directory);
        FileChannel record = CrashScenario.openOracle(oracle)) {
      System.out.println("OPENED");
      List<String> violations = CrashScenario.check(seed, flushed, cache::get);
      if (!violations.isEmpty()) {
        System.out.println("VIOLATION after the flush covering seq " + flushed + ": "
            + violations.size() + " keys, first " + violations.subList(0,
            Math.min(5, violations.size())));
        System.out.flush();
        Runtime.getRuntime().halt(3);
      }
      System.out.println("VERIFIED " + flushed);
      long end = flushed + CrashScenario.MAX_OPS_PER_PROCESS;
      for (long seq = flushed + 1; seq <= end; seq++) {
        CrashScenario.apply(cache, seed, seq);
        if (seq % CrashScenario.FLUSH_EVERY == 0) {
          cache.flush();
          CrashScenario.recordFlush(record, seq);
        }
      }
      System.out.println("FINISHED");
    }
  }
}
