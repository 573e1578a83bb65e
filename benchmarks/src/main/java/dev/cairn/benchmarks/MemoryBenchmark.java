package dev.cairn.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-memory throughput of every {@link MemoryPeer} on the same skewed trace: reads only, reads
 * with one write in four, and writes only, each operation one {@code get} or {@code put} of a key
 * taken in turn from a precomputed Zipf trace.
 *
 * <p>Every peer is bounded to {@link #CAPACITY} entries, the size of the key space, and filled with
 * every key before measuring, so reads always hit and writes replace: what is measured is the cost
 * of the cache's read and write paths and of its bookkeeping under concurrency, not its eviction
 * policy (the hit-rate table measures that). Values are the key objects themselves, stored by
 * reference. The trace ({@link #TRACE} keys over {@link #KEY_SPACE}, seed fixed) is shared by all
 * threads; each thread starts at its own offset. Each peer runs in forks of its own, so no peer's
 * code is compiled into another's run. Threads: 1 by default; the report also runs {@code -t 2}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
// Longer than the other suites: with two measuring threads and Caffeine's upkeep sharing two
// cores, 3 iterations of 1 s gave errors wider than the scores, and one fork per peer gave ratios
// that moved by a third between runs (each fork compiles and lays out the code its own way); two
// forks put that variance into the error.
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class MemoryBenchmark {

  /** Distinct keys, and every peer's bound: all keys fit, so nothing is evicted. */
  static final int KEY_SPACE = 1 << 16;
  static final int CAPACITY = KEY_SPACE;
  /** Length of the precomputed trace; a power of two so the index wraps with a mask. */
  static final int TRACE = 1 << 20;
  static final long SEED = 1_234_567;

  /** The cache under test and the trace, shared by the measuring threads. */
  @State(Scope.Benchmark)
  public static class Caches {

    @Param({"CAIRN_JCACHE", "CAIRN_ENGINE", "CAFFEINE", "CAFFEINE_JCACHE", "EHCACHE_JCACHE",
        "CACHE2K_JCACHE", "CONCURRENT_HASH_MAP"})
    public MemoryPeer peer;

    CacheUnderTest<Integer, Integer> cache;
    Integer[] keys;

    @Setup(Level.Trial)
    public void open() {
      CairnLogs.warningsOnly();
      keys = ZipfKeys.boxed(KEY_SPACE, TRACE, SEED);
      cache = peer.open(CAPACITY);
      for (int key = 0; key < KEY_SPACE; key++) {
        cache.put(key, key);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      cache.close();
    }
  }

  /** Where each thread is in the trace; threads start far apart so they do not move in step. */
  @State(Scope.Thread)
  public static class Cursor {

    private static final AtomicInteger THREADS = new AtomicInteger();

    int index = THREADS.getAndIncrement() * (TRACE / 4 + 7919);
  }

  /** Measures a read of one key of the trace; every read hits. */
  @Benchmark
  public Integer read(Caches caches, Cursor cursor) {
    return caches.cache.get(caches.keys[cursor.index++ & (TRACE - 1)]);
  }

  /**
   * Measures one operation of a mix of three reads to one write: every fourth operation of a thread
   * puts the key's own value back, the rest read.
   */
  @Benchmark
  public Integer readWrite(Caches caches, Cursor cursor) {
    int index = cursor.index++;
    Integer key = caches.keys[index & (TRACE - 1)];
    if ((index & 3) == 0) {
      caches.cache.put(key, key);
      return key;
    }
    return caches.cache.get(key);
  }

  /** Measures a write of one key of the trace, replacing its value. */
  @Benchmark
  public void write(Caches caches, Cursor cursor) {
    Integer key = caches.keys[cursor.index++ & (TRACE - 1)];
    // put has its effect on the cache, shared with the other threads: the JIT cannot drop it.
    caches.cache.put(key, key);
  }
}
