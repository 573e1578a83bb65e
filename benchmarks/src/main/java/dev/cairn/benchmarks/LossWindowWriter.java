package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link LossWindow} kills: opens a Cairn cache over the disk tier with the given
 * flush interval and puts {@code key-0, key-1, ...} at a steady rate, never calling
 * {@code flush()}, until it is killed.
 *
 * <p>After each put returns, it stores the time it returned ({@code System.nanoTime()}) and the
 * number of puts acknowledged so far in a memory-mapped file: slot 0 holds the count, slot
 * {@code 1 + n} the time of put {@code n}. A store into a shared mapping is in the kernel's page
 * cache as soon as it is made, so it survives the process being killed: the parent reads exactly
 * how many puts had returned, and when.
 *
 * <p>Arguments: cache directory, counter file, flush interval in ms, puts per second.
 */
public final class LossWindowWriter {

  static final String READY = "READY";
  /** Puts whose times are recorded; far more than a run of seconds makes. */
  static final int RECORDED = 1 << 22;

  private LossWindowWriter() {
  }

  static TieredCache<String, String> open(Path directory, Duration flushInterval) {
    return TieredCache.<String, String>builder("loss-window")
        .maximumSize(10_000)
        .warmRestart(false)
        .flushInterval(flushInterval)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
        .build();
  }

  static String key(long write) {
    return "key-" + write;
  }

  public static void main(String[] args) throws IOException {
    CairnLogs.warningsOnly();
    Path directory = Path.of(args[0]);
    Path counterFile = Path.of(args[1]);
    Duration flushInterval = Duration.ofMillis(Long.parseLong(args[2]));
    long rate = Long.parseLong(args[3]);
    WriteWorkload values = new WriteWorkload(1);
    TieredCache<String, String> cache = open(directory, flushInterval);
    MappedByteBuffer counter;
    try (FileChannel channel = FileChannel.open(counterFile, StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      counter = channel.map(FileChannel.MapMode.READ_WRITE, 0, (1L + RECORDED) * Long.BYTES);
    }
    System.out.println(READY);
    System.out.flush();
    long start = System.nanoTime();
    long nanosPerPut = 1_000_000_000L / rate;
    for (long write = 0; ; write++) {
      long due = start + write * nanosPerPut;
      long early = due - System.nanoTime();
      if (early > 0) {
        LockSupport.parkNanos(early);
      }
      cache.put(key(write), values.value(write));
      if (write < RECORDED) {
        counter.putLong((int) (1 + write) * Long.BYTES, System.nanoTime());
        counter.putLong(0, write + 1);
      }
    }
  }
}
