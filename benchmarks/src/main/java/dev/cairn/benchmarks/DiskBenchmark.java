package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the persistent stores of {@link DiskPeer} on one thread, with a working set larger
 * than the memory tier: reads that mostly miss memory, sustained puts, and (Cairn only) a burst of
 * puts that fits in the write-behind buffer against the same burst into a memory-only Cairn.
 *
 * <p>Keys are {@code "key-<n>"}, values 100 ASCII characters ({@link WriteWorkload}), both stored
 * as strings by every store. The two caches keep {@value #MEMORY_ENTRIES} entries in memory.
 * Directories are fresh per trial under {@code java.io.tmpdir} and deleted afterwards; never run
 * this on a tmpfs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class DiskBenchmark {

  /** Entries the memory tiers hold: a tenth of the read workload's working set. */
  static final int MEMORY_ENTRIES = 10_000;
  /** Entries the read workload reads from: ten times what memory holds. */
  static final int READ_ENTRIES = 100_000;
  /** Keys the sustained puts cycle through: more than every write-behind buffer together. */
  static final int WRITE_KEYS = 1 << 20;
  /** Puts in one burst: spread over 8 segments, well within their buffers (16,384 each). */
  static final int BURST = 20_000;
  static final int TRACE = 1 << 20;
  static final long SEED = 7_654_321;

  /** A store filled with {@link #READ_ENTRIES} entries, made durable before measuring. */
  @State(Scope.Thread)
  public static class Filled {

    @Param({"CAIRN", "EHCACHE", "MAPDB_LOG", "MAPDB_MMAP_LOG", "MAPDB_NO_LOG"})
    public DiskPeer peer;

    final WriteWorkload workload = new WriteWorkload(READ_ENTRIES);
    final int[] trace = uniform(READ_ENTRIES, TRACE, SEED);
    Path directory;
    CacheUnderTest<String, String> store;
    int index;

    @Setup(Level.Trial)
    public void fill() {
      CairnLogs.warningsOnly();
      directory = ScratchDirectory.create("disk-read-" + peer);
      store = peer.open(directory, MEMORY_ENTRIES);
      for (int write = 0; write < READ_ENTRIES; write++) {
        store.put(workload.key(write), workload.value(write));
      }
      // Reopen, so every store starts from its files: flushed and committed, memory cold.
      store.close();
      store = peer.open(directory, MEMORY_ENTRIES);
      String value = store.get(workload.key(READ_ENTRIES - 1));
      if (!workload.value(READ_ENTRIES - 1).equals(value)) {
        throw new IllegalStateException(peer + " lost its last write across a clean close: " + value);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close();
      ScratchDirectory.delete(directory);
    }
  }

  /** An empty store that the sustained puts fill and then update, round-robin. */
  @State(Scope.Thread)
  public static class Empty {

    @Param({"CAIRN", "EHCACHE", "MAPDB_LOG", "MAPDB_MMAP_LOG", "MAPDB_NO_LOG"})
    public DiskPeer peer;

    final WriteWorkload workload = new WriteWorkload(WRITE_KEYS);
    Path directory;
    CacheUnderTest<String, String> store;
    long write;

    @Setup(Level.Trial)
    public void open() {
      CairnLogs.warningsOnly();
      directory = ScratchDirectory.create("disk-write-" + peer);
      store = peer.open(directory, MEMORY_ENTRIES);
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close();
      ScratchDirectory.delete(directory);
    }
  }

  /**
   * A Cairn cache with or without the disk tier, same memory bound, for bursts of puts; the
   * write-behind buffer is flushed empty before each burst.
   */
  @State(Scope.Thread)
  public static class Bursts {

    @Param({"disk", "memory"})
    public String tier;

    final WriteWorkload workload = new WriteWorkload(READ_ENTRIES);
    Path directory;
    TieredCache<String, String> cache;
    long write;

    @Setup(Level.Trial)
    public void open() {
      CairnLogs.warningsOnly();
      var builder = TieredCache.<String, String>builder("burst")
          .maximumSize(MEMORY_ENTRIES)
          .warmRestart(false);
      if (tier.equals("disk")) {
        directory = ScratchDirectory.create("disk-burst");
        builder.lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()));
      }
      cache = builder.build();
    }

    @Setup(Level.Iteration)
    public void emptyBuffer() {
      cache.flush();
    }

    @TearDown(Level.Trial)
    public void close() {
      cache.close();
      ScratchDirectory.delete(directory);
    }
  }

  /**
   * Measures a read of a key drawn uniformly from the {@value #READ_ENTRIES} stored, about nine in
   * ten of which are not in a memory tier and come from disk.
   */
  @Benchmark
  public String readMissingMemory(Filled state) {
    return state.store.get(state.workload.key(state.trace[state.index++ & (TRACE - 1)]));
  }

  /**
   * Measures sustained puts over {@value #WRITE_KEYS} keys, round-robin, so that no write-behind
   * buffer can hold or coalesce them: once the buffers are full (during warm-up), Cairn's rate is
   * the rate its flushes drain them.
   */
  @Benchmark
  public void putSustained(Empty state) {
    long write = state.write++;
    // The put's effect is in the store; nothing to consume.
    state.store.put(state.workload.key(write), state.workload.value(write));
  }

  /**
   * Measures the time per put of a burst of {@value #BURST} puts into a Cairn cache whose buffer
   * is empty, with the disk tier (the burst lands in the write-behind buffer) or without it.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @OperationsPerInvocation(BURST)
  @Warmup(iterations = 30)
  @Measurement(iterations = 30)
  public void putBurst(Bursts state) {
    for (int i = 0; i < BURST; i++) {
      long write = state.write++;
      state.cache.put(state.workload.key(write), state.workload.value(write));
    }
  }

  static int[] uniform(int bound, int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] trace = new int[length];
    for (int i = 0; i < length; i++) {
      trace[i] = random.nextInt(bound);
    }
    return trace;
  }
}
