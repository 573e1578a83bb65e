package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-key atomicity across tiers (docs/design.md): increments through compute are never lost, while
 * the tiny memory tier evicts and promotes entries and the write-behind buffer flushes below.
 */
class ConcurrentComputeTest {

  private static final int THREADS = 4;
  private static final int KEYS = 16;
  private static final int INCREMENTS_PER_THREAD = 20_000;

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void concurrentIncrementsAreNeverLost(boolean tiered) throws Exception {
    MapLowerTier<Integer, Long> tier = new MapLowerTier<>();
    TieredCacheBuilder<Integer, Long> builder = TieredCache.<Integer, Long>builder("counters")
        // Memory holds fewer keys than are in play, so increments keep missing memory.
        .maximumSize(tiered ? 4 : 1_000)
        .flushInterval(Duration.ofMillis(1))
        .flushBatchSize(3)
        .segments(4);
    if (tiered) {
      builder.lowerTier(tier);
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (TieredCache<Integer, Long> cache = builder.build()) {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          long[] counted = new long[KEYS];
          SplittableRandom random = new SplittableRandom(seed);
          start.await();
          for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
            int key = random.nextInt(KEYS);
            cache.compute(key, (k, v) -> v == null ? 1L : v + 1);
            counted[key]++;
            if (i % 97 == 0) {
              cache.get(random.nextInt(KEYS));
            }
          }
          return counted;
        }));
      }
      long[] expected = new long[KEYS];
      for (Future<long[]> result : results) {
        long[] counted = result.get();
        for (int k = 0; k < KEYS; k++) {
          expected[k] += counted[k];
        }
      }
      for (int k = 0; k < KEYS; k++) {
        assertThat(cache.get(k)).as("count of key %d", k).isEqualTo(expected[k]);
      }
      if (tiered) {
        cache.flush();
        assertThat(tier.reads.get()).as("reads that went below memory").isPositive();
        for (int k = 0; k < KEYS; k++) {
          assertThat(tier.stored(k).value()).as("flushed count of key %d", k)
              .isEqualTo(expected[k]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
