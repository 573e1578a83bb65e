package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemoryBoundTest {

  private static final int PUTS = 1_000_000;

  @Test
  void entryBoundHoldsAfterAMillionRandomPuts() {
    try (TieredCache<Long, Long> cache = TieredCache.<Long, Long>builder("bound-by-count")
        .maximumSize(5_000)
        .build()) {
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < PUTS; i++) {
        long key = random.nextLong(1_000_000_000L);
        cache.put(key, key);
      }
      assertThat(cache.memoryTierSize()).isLessThanOrEqualTo(5_000).isGreaterThan(0);
    }
  }

  @Test
  void weightBoundHoldsAfterAMillionRandomPuts() {
    try (TieredCache<Long, byte[]> cache = TieredCache.<Long, byte[]>builder("bound-by-weight")
        .maximumWeight(200_000, (key, value) -> value.length)
        .build()) {
      SplittableRandom random = new SplittableRandom(7);
      byte[][] values = new byte[64][];
      for (int i = 0; i < values.length; i++) {
        values[i] = new byte[1 + random.nextInt(256)];
      }
      for (int i = 0; i < PUTS; i++) {
        long key = random.nextLong(1_000_000_000L);
        cache.put(key, values[random.nextInt(values.length)]);
      }
      assertThat(cache.memoryTierSize()).isLessThanOrEqualTo(200_000).isGreaterThan(0);
    }
  }

  @Test
  void memoryBoundHoldsWithALowerTierAndNothingIsLost() {
    MapLowerTier<Integer, Integer> tier = new MapLowerTier<>();
    try (TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("bound-tiered")
        .maximumSize(100)
        .lowerTier(tier)
        .build()) {
      for (int i = 0; i < 20_000; i++) {
        cache.put(i, i * 2);
      }
      assertThat(cache.memoryTierSize()).isLessThanOrEqualTo(100);
      for (int i = 0; i < 20_000; i++) {
        assertThat(cache.get(i)).as("key %d after eviction from memory", i).isEqualTo(i * 2);
      }
      assertThat(cache.memoryTierSize()).isLessThanOrEqualTo(100);
    }
  }
}
