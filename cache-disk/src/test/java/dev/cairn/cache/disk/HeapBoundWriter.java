package dev.cairn.cache.disk;

import dev.cairn.cache.core.BackPressure;
import dev.cairn.cache.core.TieredCache;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link HeapBoundTest} runs under a small {@code -Xmx}: two threads put random large
 * values under random keys into a disk-backed cache for a while, as fast as they can, while a
 * sampler records the largest write-behind backlog it sees.
 *
 * <p>Arguments: cache directory, seconds to write, memory-tier bound in entries, write-buffer
 * capacity per segment. Prints {@code key value} lines: {@code puts}, {@code max-pending},
 * {@code buffer-bound}, {@code peak-heap-bytes}, {@code max-heap-bytes}, then {@code DONE}. Run
 * with {@code -XX:+ExitOnOutOfMemoryError}, so running out of heap ends it with exit code 3.
 */
public final class HeapBoundWriter {

  // One segment: its buffer being full is the whole backlog reaching its bound, which a sampler sees.
  static final int SEGMENTS = 1;
  static final int KEYS = 2_000;
  static final int VALUE_BYTES = 32 * 1024;

  private HeapBoundWriter() {
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    long seconds = Long.parseLong(args[1]);
    long memoryEntries = Long.parseLong(args[2]);
    int bufferPerSegment = Integer.parseInt(args[3]);
    AtomicLong puts = new AtomicLong();
    AtomicLong maxPending = new AtomicLong();
    try (TieredCache<String, byte[]> cache = TieredCache.<String, byte[]>builder("heap-bound")
        .maximumSize(memoryEntries)
        .segments(SEGMENTS)
        .writeBufferCapacity(bufferPerSegment)
        .flushBatchSize(8)
        .backPressure(BackPressure.BLOCK, Duration.ofMinutes(5))
        .statisticsEnabled(true)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.bytes()))
        .build()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      Thread[] writers = new Thread[2];
      for (int t = 0; t < writers.length; t++) {
        long seed = t;
        writers[t] = new Thread(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          while (System.nanoTime() < deadline) {
            byte[] value = new byte[VALUE_BYTES];
            random.nextBytes(value);
            cache.put("k" + random.nextInt(KEYS), value);
            puts.incrementAndGet();
          }
        }, "heap-bound-writer-" + t);
        writers[t].start();
      }
      while (writers[0].isAlive() || writers[1].isAlive()) {
        maxPending.accumulateAndGet(cache.statistics().pendingWrites(), Math::max);
        Thread.sleep(2);
      }
      System.out.println("puts " + puts.get());
      System.out.println("max-pending " + maxPending.get());
      System.out.println("buffer-bound " + (long) SEGMENTS * bufferPerSegment);
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("peak-heap-bytes " + peak);
    System.out.println("max-heap-bytes " + Runtime.getRuntime().maxMemory());
    System.out.println("DONE");
  }
}
