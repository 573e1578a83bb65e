package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The process {@link DiskRecoveryBenchmark} starts to fill a cache directory: puts entries
 * {@code 0 .. n-1} of a {@link WriteWorkload} over {@code n} keys, flushing every
 * {@link #FLUSH_EVERY} puts and once at the end, and then either closes the cache ({@code close})
 * or prints {@value #FLUSHED} and waits, without closing anything, to be killed ({@code kill}).
 *
 * <p>Arguments: cache directory, n, {@code close} or {@code kill}. Prints {@value #CLOSED} after
 * a clean close.
 */
public final class CacheDirectoryWriter {

  static final String FLUSHED = "FLUSHED";
  static final String CLOSED = "CLOSED";
  static final int FLUSH_EVERY = 1_000;

  private CacheDirectoryWriter() {
  }

  /**
   * Opens the cache over {@code directory} with the settings both the writer and the benchmark
   * use: defaults (8 segments, 64 MiB checkpoints), except no warm restart, so that opening is
   * only the disk tier's open and no background warm-up competes with the measurement.
   */
  static TieredCache<String, String> open(Path directory) {
    return TieredCache.<String, String>builder("recovery")
        .warmRestart(false)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
        .build();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3 || !(args[2].equals("close") || args[2].equals("kill"))) {
      System.err.println("usage: CacheDirectoryWriter <directory> <entries> close|kill");
      System.exit(2);
    }
    Path directory = Path.of(args[0]);
    int entries = Integer.parseInt(args[1]);
    boolean close = args[2].equals("close");
    WriteWorkload workload = new WriteWorkload(entries);
    TieredCache<String, String> cache = open(directory);
    for (int write = 0; write < entries; write++) {
      cache.put(workload.key(write), workload.value(write));
      if ((write + 1) % FLUSH_EVERY == 0) {
        cache.flush();
      }
    }
    cache.flush();
    if (close) {
      cache.close();
      System.out.println(CLOSED);
      return;
    }
    System.out.println(FLUSHED);
    System.out.flush();
    // Killed here, between flushes with every write durable: the journal holds everything, the
    // working stores were never closed and carry no clean marker.
    while (System.in.read() >= 0) {
      // wait for SIGKILL; end of input means the parent died, and then we exit
    }
    System.exit(1);
  }
}
