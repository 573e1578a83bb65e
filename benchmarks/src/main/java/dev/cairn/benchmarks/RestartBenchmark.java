package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A warm restart of a persistent Cairn cache of {@code entries} entries (1,000,000 in the report)
 * whose memory tier ({@value #MEMORY} entries) holds a hot set of {@value #HOT} keys: the time to reopen it, the time to reopen
 * and refill memory with the hot set, and read throughput on the hot set while that refill runs in
 * the background, against the same reads once it is done.
 *
 * <p>Once per trial the set-up writes the entries, reads the hot keys ({@code 0 .. HOT-1}) a few
 * times so that the memory tier keeps them, and closes the cache cleanly, which saves the hot keys
 * with the disk tier. Each iteration opens the directory, and its tear-down waits for the warm-up,
 * checks what it loaded, and closes the cache cleanly again, so every iteration reopens the same
 * kind of directory. The files are in the page cache, as after a process restart; a reboot would
 * read them cold.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class RestartBenchmark {

  /** Keys read after a restart: the hot set the warm-up has to bring back. */
  static final int HOT = 100_000;
  /**
   * The memory tier's bound, a quarter above the hot set: a bound of exactly the hot set would
   * turn every key the snapshot missed into a miss that evicts another hot key, under uniform reads.
   */
  static final int MEMORY = HOT + HOT / 4;
  static final long WARM_UP_TIMEOUT_SECONDS = 120;

  /** A directory holding {@code entries} entries and a hot-key snapshot, reopened per iteration. */
  @State(Scope.Benchmark)
  public static class Directory {

    @Param({"1000000"})
    public int entries;

    WriteWorkload workload;
    int[] hotTrace;
    Path scratch;
    Path directory;
    volatile TieredCache<String, String> cache;

    @Setup(Level.Trial)
    public void fill() {
      CairnLogs.warningsOnly();
      workload = new WriteWorkload(entries);
      hotTrace = DiskBenchmark.uniform(HOT, 1 << 20, 99);
      scratch = ScratchDirectory.create("restart");
      directory = scratch.resolve("cache");
      try (TieredCache<String, String> writer = open()) {
        for (int write = 0; write < entries; write++) {
          writer.put(workload.key(write), workload.value(write));
        }
        for (int pass = 0; pass < 3; pass++) {
          for (int key = 0; key < HOT; key++) {
            writer.get(workload.key(key));
          }
        }
      }
    }

    TieredCache<String, String> open() {
      return TieredCache.<String, String>builder("restart")
          .maximumSize(MEMORY)
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
          .build();
    }

    /** Whether the benchmark reads while the warm-up runs (see {@link #awaitWarmUp}). */
    boolean readsDuringWarmUp;

    void awaitWarmUp() {
      if (!cache.warmUp().await(Duration.ofSeconds(WARM_UP_TIMEOUT_SECONDS))) {
        throw new IllegalStateException("The warm-up of " + directory + " did not end within "
            + WARM_UP_TIMEOUT_SECONDS + " s: " + cache.warmUp());
      }
      // Most of the hot set must have come back; W-TinyLFU may have kept a few other keys. Reads
      // during the warm-up promote hot keys themselves, which the warm-up then skips, so there
      // the memory tier's fill is what must have reached the hot set's size.
      long warmed = readsDuringWarmUp ? cache.memoryTierSize() : cache.warmUp().loaded();
      if (cache.warmUp().failure().isPresent() || warmed < HOT * 9L / 10) {
        throw new IllegalStateException("The warm-up of " + directory + " loaded too little: "
            + cache.warmUp());
      }
    }

    /** Waits for the warm-up, checks it, and closes cleanly, saving the hot keys again. */
    @TearDown(Level.Iteration)
    public void awaitAndClose() {
      if (cache != null) {
        try {
          awaitWarmUp();
        } finally {
          cache.close();
          cache = null;
        }
      }
    }

    @TearDown(Level.Trial)
    public void delete() {
      ScratchDirectory.delete(scratch);
    }
  }

  /** The same directory, opened before the iteration starts: for reads during warm-up. */
  @State(Scope.Benchmark)
  public static class Opened extends Directory {

    {
      readsDuringWarmUp = true;
    }

    int index;

    @Setup(Level.Iteration)
    public void reopen() {
      cache = open();
    }
  }

  /** The same directory, opened and warmed before the iteration starts. */
  @State(Scope.Benchmark)
  public static class Warmed extends Opened {

    @Setup(Level.Iteration)
    public void warm() {
      awaitWarmUp();
    }
  }

  /** Measures reopening the directory (open the disk tier, read the snapshot, start warm-up). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public TieredCache<String, String> reopen(Directory state) {
    state.cache = state.open();
    return state.cache;
  }

  /** Measures reopening the directory and waiting until the hot set is back in memory. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public long reopenAndWarm(Directory state) {
    state.cache = state.open();
    state.awaitWarmUp();
    return state.cache.warmUp().loaded();
  }

  /**
   * Measures reads of hot keys (uniform over the hot set) in the first second after a reopen,
   * while the warm-up refills memory in the background: misses go to disk, none may stall.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 1, time = 1)
  @Measurement(iterations = 3, time = 1)
  public String readDuringWarmUp(Opened state) {
    return state.cache.get(state.workload.key(state.hotTrace[state.index++ & ((1 << 20) - 1)]));
  }

  /** Measures the same reads once the warm-up is done: the target the reads above approach. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 1, time = 1)
  @Measurement(iterations = 3, time = 1)
  public String readAfterWarmUp(Warmed state) {
    return state.cache.get(state.workload.key(state.hotTrace[state.index++ & ((1 << 20) - 1)]));
  }
}
