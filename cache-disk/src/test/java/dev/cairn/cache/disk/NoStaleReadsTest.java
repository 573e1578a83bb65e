package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.CacheStatistics;
import dev.cairn.cache.core.TieredCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariants "Per-key atomicity across tiers" and "Read your writes" (docs/design.md) over a
 * real disk tier.
 *
 * <p>The memory tier holds an eighth of the keys in play and each segment's buffer another
 * quarter, and the buffer is flushed every millisecond in batches of eight, so most reads fall
 * through to the write-behind buffer or to MapDB, and every promotion from below races with
 * writes, evictions and commits of the same key. The tier is wrapped in a {@link CountingTier},
 * which proves that reads reached the disk and yields after each one to widen those races.
 *
 * <p>Every write stores a fresh number from one global sequence, drawn while the writer holds the
 * test's lock for that key, so the values of one key only ever grow. The test's lock serializes
 * writers only: readers never take it, so the cache alone keeps them from promoting an old value
 * over a newer one. Because no number is written twice, a reader that sees a value again after
 * having seen the key absent has seen a removed value come back.
 */
class NoStaleReadsTest {

  private static final int KEYS = 32;
  private static final int MEMORY_ENTRIES = 4;
  private static final int WRITERS = 3;
  private static final int READERS = 3;
  private static final int WRITES_PER_WRITER = 10_000;
  private static final int READS_PER_READER = 40_000;
  private static final long JOIN_TIMEOUT_SECONDS = 60;
  private static final int FAILURES_SHOWN = 20;

  @TempDir
  Path temp;

  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder diskHits = new LongAdder();
  private final ReentrantLock[] writerLocks = new ReentrantLock[KEYS];
  // The last value written per key, null after a remove; guarded by writerLocks[key].
  private final Long[] lastWritten = new Long[KEYS];

  NoStaleReadsTest() {
    for (int k = 0; k < KEYS; k++) {
      writerLocks[k] = new ReentrantLock();
    }
  }

  private TieredCache<String, Long> open(Path directory) {
    return TieredCache.<String, Long>builder("no-stale-reads")
        .maximumSize(MEMORY_ENTRIES)
        .segments(2)
        .flushInterval(Duration.ofMillis(1))
        .flushBatchSize(8)
        .writeBufferCapacity(8)
        .statisticsEnabled(true)
        .lowerTier(new CountingTier<>(
            DiskTier.of(directory, Serializers.string(), Serializers.longs()), diskHits))
        .build();
  }

  private static String key(int k) {
    return "key-" + k;
  }

  @Test
  void readersNeverSeeAnOlderValueAndWritersAlwaysReadTheirOwnWrites() throws Exception {
    Path directory = temp.resolve("cache");
    CacheStatistics statistics;
    try (TieredCache<String, Long> cache = open(directory)) {
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch writersDone = new CountDownLatch(WRITERS);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int seed = w;
        threads.add(thread("writer-" + w, start, () -> {
          try {
            write(cache, new SplittableRandom(seed));
          } finally {
            writersDone.countDown();
          }
        }));
      }
      for (int r = 0; r < READERS; r++) {
        int seed = 100 + r;
        threads.add(thread("reader-" + r, start, () -> read(cache, new SplittableRandom(seed))));
      }
      // An explicit flush races with the background lanes over the same batches.
      threads.add(thread("flusher", start, () -> {
        while (!writersDone.await(2, TimeUnit.MILLISECONDS)) {
          cache.flush();
        }
      }));
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(JOIN_TIMEOUT_SECONDS));
        assertThat(thread.isAlive()).as("%s finished within %d s", thread.getName(),
            JOIN_TIMEOUT_SECONDS).isFalse();
      }
      assertNoFailures();
      statistics = cache.statistics();
      for (int k = 0; k < KEYS; k++) {
        assertThat(cache.get(key(k))).as("final value of %s", key(k)).isEqualTo(lastWritten[k]);
      }
    }

    // The run went through every tier; otherwise it proved nothing about them.
    assertThat(statistics.memoryEvictions()).as("memory evictions").isPositive();
    assertThat(statistics.lowerHits()).as("reads served by the buffer or the disk").isPositive();
    assertThat(diskHits.sum()).as("reads served by the disk itself").isPositive();
    assertThat(statistics.flushedBatches()).as("batches committed to disk").isPositive();

    try (TieredCache<String, Long> reopened = open(directory)) {
      for (int k = 0; k < KEYS; k++) {
        assertThat(reopened.get(key(k))).as("%s after a reopen (null: it was removed last)",
            key(k)).isEqualTo(lastWritten[k]);
      }
    }
  }

  /**
   * Puts, replaces, computes and removes under the test's per-key lock, checking each result and
   * reading the key back at once.
   */
  private void write(TieredCache<String, Long> cache, SplittableRandom random) {
    for (int i = 0; i < WRITES_PER_WRITER; i++) {
      int k = random.nextInt(KEYS);
      String key = key(k);
      writerLocks[k].lock();
      try {
        Long before = lastWritten[k];
        int operation = random.nextInt(10);
        Long written;
        if (operation < 2) {
          boolean removed = cache.remove(key);
          check(removed == (before != null), key, "remove returned " + removed + " but the last"
              + " write was " + before);
          written = null;
        } else if (operation < 4) {
          long next = sequence.incrementAndGet();
          Long previous = cache.getAndPut(key, next);
          check(Objects.equals(previous, before), key, "getAndPut returned " + previous
              + " but the last write was " + before);
          written = next;
        } else if (operation < 6) {
          long next = sequence.incrementAndGet();
          Long[] seen = new Long[1];
          cache.compute(key, (ignored, old) -> {
            seen[0] = old;
            return next;
          });
          check(Objects.equals(seen[0], before), key, "compute saw " + seen[0]
              + " but the last write was " + before);
          written = next;
        } else {
          long next = sequence.incrementAndGet();
          cache.put(key, next);
          written = next;
        }
        lastWritten[k] = written;
        Long readBack = cache.get(key);
        check(Objects.equals(readBack, written), key, "wrote " + (written == null ? "a removal"
            : written) + " and read back " + readBack);
      } finally {
        writerLocks[k].unlock();
      }
    }
  }

  /** Reads without any test lock; per key, what one reader sees must never go back in time. */
  private void read(TieredCache<String, Long> cache, SplittableRandom random) {
    long[] lastSeen = new long[KEYS];
    boolean[] absentSinceLastSeen = new boolean[KEYS];
    for (int i = 0; i < READS_PER_READER; i++) {
      int k = random.nextInt(KEYS);
      Long value = cache.get(key(k));
      if (value == null) {
        absentSinceLastSeen[k] = true;
        continue;
      }
      check(value >= lastSeen[k], key(k), "read " + value + " after having read " + lastSeen[k]);
      check(!(value == lastSeen[k] && absentSinceLastSeen[k]), key(k), "read " + value
          + " again after having read the key absent: a removed value came back");
      lastSeen[k] = value;
      absentSinceLastSeen[k] = false;
    }
  }

  private void check(boolean holds, String key, String what) {
    if (!holds) {
      failures.add(Thread.currentThread().getName() + ", " + key + ": " + what);
    }
  }

  private Thread thread(String name, CountDownLatch start, Body body) {
    Thread thread = new Thread(() -> {
      try {
        start.await();
        body.run();
      } catch (Throwable failure) {
        failures.add(name + " failed: " + failure);
      }
    }, name);
    // A thread stuck past the join timeout fails the test; it must not also keep the JVM alive.
    thread.setDaemon(true);
    return thread;
  }

  private void assertNoFailures() {
    List<String> shown = failures.stream().limit(FAILURES_SHOWN).toList();
    assertThat(shown).as("%d violations, the first %d shown", failures.size(), shown.size())
        .isEmpty();
  }

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }
}
