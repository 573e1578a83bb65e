package dev.cairn.cache.disk.examples;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's persistent cache: written by one "process", closed, and read back by the next.
 * {@code PersistentCacheExampleTest} runs it, so the README's code is known to work.
 */
public final class PersistentCacheExample {

  private PersistentCacheExample() {
  }

  static TieredCache<String, Long> open(Path directory) {
    return TieredCache.<String, Long>builder("visits")
        .maximumSize(1_000)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.longs()))
        .build();
  }

  /** Counts visits in one run, closes, and returns what a second run reads for "home". */
  static Long run(Path directory) {
    try (TieredCache<String, Long> visits = open(directory)) {          // first run
      for (int i = 0; i < 42; i++) {
        visits.compute("home", (page, count) -> count == null ? 1L : count + 1);
      }
      visits.put("about", 7L);
      visits.flush();             // durable now: survives even a kill -9 from here on
    }                             // close() flushes the rest and closes the files cleanly
    try (TieredCache<String, Long> visits = open(directory)) {          // after a restart
      return visits.get("home");
    }
  }

  public static void main(String[] args) throws Exception {
    Path directory = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cairn-");
    System.out.println("visits of home after a restart: " + run(directory.resolve("visits"))
        + " (stored in " + directory + ")");
  }
}
