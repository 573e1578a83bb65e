package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Statistics count exactly the operations made, the way JSR-107 counts them, in the cache and per
 * tier.
 */
class StatisticsTest {

  private static final String NAME = "statistics";
  private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4");
  private static final List<String> VALUES = List.of("v0", "v1", "v2");

  // ---------------------------------------------------------------- counts match a model

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234})
  void memoryOnlyCountsEqualTheOperationsMade(long seed) {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .build()) {
      Expected expected = runRandomOperations(cache, new Random(seed), 3_000);

      CacheStatistics stats = cache.statistics();
      expected.assertMatches(stats);
      assertThat(stats.evictions()).isZero();
      assertThat(stats.memoryEvictions()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234})
  void tieredCountsEqualTheOperationsMadeWhateverTierServesThem(long seed) {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .lowerTier(new MapLowerTier<>())
        .maximumSize(2)
        // Upkeep on the caller's thread: memory holds at most two of the five keys when each
        // operation returns, so reads go below it; left to the common pool, it may lag behind.
        .memoryMaintenanceExecutor(Runnable::run)
        .build()) {
      Expected expected = runRandomOperations(cache, new Random(seed), 3_000);

      CacheStatistics stats = cache.statistics();
      expected.assertMatches(stats);
      assertThat(stats.lowerHits()).as("some reads were served below memory").isPositive();
      assertThat(stats.memoryEvictions()).as("the memory tier evicted").isPositive();
      assertThat(stats.evictions()).as("nothing left a tiered cache").isZero();
    }
  }

  @Test
  void eachGetIsCountedInTheTierThatServedIt() {
    MapLowerTier<String, String> tier = new MapLowerTier<>();
    // Weight 0 is never evicted, weight 1 is evicted at once: "hot" values live in memory only
    // while "cold" ones live below it, so the test knows which tier serves each get. "At once"
    // needs the upkeep on the caller's thread: on the common pool it evicts a moment later.
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .memoryMaintenanceExecutor(Runnable::run)
        .statisticsEnabled(true)
        .lowerTier(tier)
        .flushInterval(Duration.ofHours(1))
        .maximumWeight(0, (key, value) -> value.startsWith("hot") ? 0 : 1)
        .build()) {
      cache.put("h", "hot");
      cache.put("c", "cold");
      assertThat(cache.memoryTierSize()).as("only the hot entry stays in memory").isZero();
      cache.clearStatistics();

      assertThat(cache.get("h")).isEqualTo("hot"); // memory
      assertThat(cache.get("c")).isEqualTo("cold"); // write-behind buffer
      cache.flush();
      int readsBefore = tier.reads.get();
      assertThat(cache.get("c")).isEqualTo("cold"); // lower tier
      assertThat(tier.reads.get()).as("read from the lower tier").isEqualTo(readsBefore + 1);
      assertThat(cache.get("absent")).isNull(); // nowhere
      assertThat(cache.get("h")).isEqualTo("hot"); // memory

      CacheStatistics stats = cache.statistics();
      assertThat(stats.hits()).isEqualTo(4);
      assertThat(stats.misses()).isEqualTo(1);
      assertThat(stats.memoryHits()).isEqualTo(2);
      assertThat(stats.memoryMisses()).isEqualTo(3);
      assertThat(stats.lowerHits()).isEqualTo(2);
      assertThat(stats.lowerMisses()).isEqualTo(1);
      assertThat(stats.memoryHits() + stats.lowerHits()).isEqualTo(stats.hits());
      assertThat(stats.memoryMisses()).isEqualTo(stats.lowerHits() + stats.lowerMisses());
      assertThat(stats.memoryEvictions()).as("each promoted cold entry was evicted again")
          .isEqualTo(2);
      assertThat(stats.evictions()).isZero();
    }
  }

  // ---------------------------------------------------------------- switching and resetting

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void disabledStatisticsCountNothing(boolean tiered) {
    ManualClock clock = new ManualClock();
    try (TieredCache<String, String> cache = smallExpiringCache(clock, false, tiered)) {
      assertThat(cache.isStatisticsEnabled()).as("off by default").isFalse();

      exerciseEveryCounter(cache, clock);

      assertAllZero(cache.statistics());
    }
  }

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void clearStatisticsResetsEveryCounter(boolean tiered) {
    ManualClock clock = new ManualClock();
    try (TieredCache<String, String> cache = smallExpiringCache(clock, true, tiered)) {
      exerciseEveryCounter(cache, clock);
      CacheStatistics before = cache.statistics();
      assertThat(before.hits()).as("hits").isPositive();
      assertThat(before.misses()).as("misses").isPositive();
      assertThat(before.puts()).as("puts").isPositive();
      assertThat(before.removals()).as("removals").isPositive();
      assertThat(before.expirations()).as("expirations").isPositive();
      assertThat(before.memoryEvictions()).as("memoryEvictions").isPositive();
      assertThat(before.evictions()).as("evictions").isEqualTo(tiered ? 0 : before.memoryEvictions());
      assertThat(before.memoryHits()).as("memoryHits").isPositive();
      assertThat(before.memoryMisses()).as("memoryMisses").isPositive();

      cache.clearStatistics();
      assertAllZero(cache.statistics());

      cache.put("k", "v");
      cache.get("k");
      assertThat(cache.statistics().puts()).isEqualTo(1);
      assertThat(cache.statistics().hits()).isEqualTo(1);
    }
  }

  @Test
  void statisticsCanBeSwitchedOnAndOffWhileRunning() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME).build()) {
      cache.put("a", "1");
      cache.get("a");
      cache.get("b");
      assertAllZero(cache.statistics());

      cache.setStatisticsEnabled(true);
      assertThat(cache.isStatisticsEnabled()).isTrue();
      cache.put("a", "2");
      cache.get("a");
      cache.get("b");
      cache.remove("a");

      cache.setStatisticsEnabled(false);
      assertThat(cache.isStatisticsEnabled()).isFalse();
      cache.put("c", "3");
      cache.get("c");
      cache.get("d");
      cache.remove("c");

      CacheStatistics stats = cache.statistics();
      assertThat(stats.puts()).isEqualTo(1);
      assertThat(stats.hits()).isEqualTo(1);
      assertThat(stats.misses()).isEqualTo(1);
      assertThat(stats.removals()).isEqualTo(1);
    }
  }

  @Test
  void operationTimesAreMeasuredWhenEnabled() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .build()) {
      for (int i = 0; i < 1_000; i++) {
        cache.put("k" + (i % 10), "v" + i);
        cache.get("k" + (i % 20));
      }
      for (int i = 0; i < 10; i++) {
        cache.remove("k" + i);
      }

      CacheStatistics stats = cache.statistics();
      assertThat(stats.getTimeNanos()).isPositive();
      assertThat(stats.putTimeNanos()).isPositive();
      assertThat(stats.removeTimeNanos()).isPositive();
    }
  }

  // ---------------------------------------------------------------- evictions and expirations

  @Test
  void memoryOnlyEvictionsAreCountedAsEvictions() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .maximumSize(3)
        .build()) {
      for (int i = 0; i < 20; i++) {
        cache.put("k" + i, "v" + i);
      }
      assertThat(cache.memoryTierSize()).isEqualTo(3);

      CacheStatistics stats = cache.statistics();
      assertThat(stats.evictions()).isEqualTo(17);
      assertThat(stats.memoryEvictions()).isEqualTo(17);
      long gone = 0;
      for (int i = 0; i < 20; i++) {
        gone += cache.containsKey("k" + i) ? 0 : 1;
      }
      assertThat(gone).as("each eviction dropped an entry").isEqualTo(stats.evictions());
    }
  }

  @Test
  void tieredMemoryEvictionsAreNotCountedAsEvictions() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .lowerTier(new MapLowerTier<>())
        .maximumSize(3)
        .build()) {
      for (int i = 0; i < 20; i++) {
        cache.put("k" + i, "v" + i);
      }
      assertThat(cache.memoryTierSize()).isEqualTo(3);

      CacheStatistics stats = cache.statistics();
      assertThat(stats.memoryEvictions()).isEqualTo(17);
      assertThat(stats.evictions()).isZero();
    }
  }

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void expiredEntriesAreCountedAsExpirationsAndMisses(boolean tiered) {
    ManualClock clock = new ManualClock();
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(1)));
    if (tiered) {
      builder.lowerTier(new MapLowerTier<>());
    }
    try (TieredCache<String, String> cache = builder.build()) {
      cache.put("a", "1");
      cache.put("b", "2");
      cache.put("c", "3");
      clock.advance(Duration.ofMinutes(1));

      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("a")).isNull();
      assertThat(cache.getAndPut("b", "22")).isNull();

      CacheStatistics stats = cache.statistics();
      assertThat(stats.expirations()).isEqualTo(2);
      assertThat(stats.misses()).isEqualTo(3);
      assertThat(stats.hits()).isZero();
      assertThat(stats.puts()).isEqualTo(4);
    }
  }

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void expiredEntryIsNotATierHit(boolean tiered) {
    ManualClock clock = new ManualClock();
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder(NAME)
        .statisticsEnabled(true)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(1)));
    MapLowerTier<String, String> tier = new MapLowerTier<>();
    if (tiered) {
      // Weight 0 stays in memory, weight 1 lives below it only (see eachGetIsCountedIn...).
      builder.lowerTier(tier).maximumWeight(0, (key, value) -> value.startsWith("hot") ? 0 : 1)
          .memoryMaintenanceExecutor(Runnable::run);
    }
    try (TieredCache<String, String> cache = builder.build()) {
      cache.put("h", "hot");
      cache.put("c", "cold");
      cache.clearStatistics();
      clock.advance(Duration.ofMinutes(1));

      assertThat(cache.get("h")).isNull();
      assertThat(cache.get("c")).isNull();

      // A value found expired was served by no tier: the reads are misses everywhere.
      CacheStatistics stats = cache.statistics();
      assertThat(stats.expirations()).isEqualTo(2);
      assertThat(stats.misses()).isEqualTo(2);
      assertThat(stats.hits()).isZero();
      assertThat(stats.memoryHits()).as("memoryHits").isZero();
      assertThat(stats.lowerHits()).as("lowerHits").isZero();
      assertThat(stats.memoryHits() + stats.lowerHits()).isEqualTo(stats.hits());
      if (tiered) {
        assertThat(stats.memoryMisses()).isEqualTo(stats.lowerHits() + stats.lowerMisses());
      }
    }
  }

  // ---------------------------------------------------------------- the model

  /** The counts the rules of JSR-107 (as Cairn applies them) give for the operations made. */
  private static final class Expected {
    long hits;
    long misses;
    long puts;
    long removals;

    void read(boolean present) {
      if (present) {
        hits++;
      } else {
        misses++;
      }
    }

    void assertMatches(CacheStatistics stats) {
      assertThat(stats.hits()).as("hits").isEqualTo(hits);
      assertThat(stats.misses()).as("misses").isEqualTo(misses);
      assertThat(stats.puts()).as("puts").isEqualTo(puts);
      assertThat(stats.removals()).as("removals").isEqualTo(removals);
    }
  }

  /**
   * Runs random operations over a few keys, checking each result against a model map, and returns
   * the counts they should have made.
   */
  private static Expected runRandomOperations(TieredCache<String, String> cache, Random random,
      int operations) {
    Map<String, String> model = new HashMap<>();
    Expected expected = new Expected();
    for (int i = 0; i < operations; i++) {
      String key = KEYS.get(random.nextInt(KEYS.size()));
      String value = VALUES.get(random.nextInt(VALUES.size()));
      String other = VALUES.get(random.nextInt(VALUES.size()));
      String current = model.get(key);
      boolean present = current != null;
      int operation = random.nextInt(19);
      String what = "operation #" + i + " (" + operation + ") on " + key;
      switch (operation) {
        case 0, 1 -> {
          assertThat(cache.get(key)).as(what).isEqualTo(current);
          expected.read(present);
        }
        case 2 -> {
          cache.put(key, value);
          model.put(key, value);
          expected.puts++;
        }
        case 3 -> {
          assertThat(cache.remove(key)).as(what).isEqualTo(present);
          model.remove(key);
          expected.removals += present ? 1 : 0;
        }
        case 4 -> {
          assertThat(cache.putIfAbsent(key, value)).as(what).isEqualTo(!present);
          expected.read(present);
          if (!present) {
            model.put(key, value);
            expected.puts++;
          }
        }
        case 5 -> {
          assertThat(cache.getAndPut(key, value)).as(what).isEqualTo(current);
          expected.read(present);
          model.put(key, value);
          expected.puts++;
        }
        case 6 -> {
          assertThat(cache.replace(key, value)).as(what).isEqualTo(present);
          expected.read(present);
          if (present) {
            model.put(key, value);
            expected.puts++;
          }
        }
        case 7 -> {
          boolean matches = present && current.equals(other);
          assertThat(cache.replace(key, other, value)).as(what).isEqualTo(matches);
          expected.read(present);
          if (matches) {
            model.put(key, value);
            expected.puts++;
          }
        }
        case 8 -> {
          assertThat(cache.getAndReplace(key, value)).as(what).isEqualTo(current);
          expected.read(present);
          if (present) {
            model.put(key, value);
            expected.puts++;
          }
        }
        case 9 -> {
          boolean matches = present && current.equals(other);
          assertThat(cache.remove(key, other)).as(what).isEqualTo(matches);
          expected.read(present);
          if (matches) {
            model.remove(key);
            expected.removals++;
          }
        }
        case 10 -> {
          assertThat(cache.getAndRemove(key)).as(what).isEqualTo(current);
          expected.read(present);
          if (present) {
            model.remove(key);
            expected.removals++;
          }
        }
        case 11 -> assertThat(cache.containsKey(key)).as(what).isEqualTo(present);
        case 12 -> {
          // invoke that reads, then writes: a hit or a miss, then a put
          String seen = cache.invoke(key, entry -> {
            String old = entry.getValue();
            entry.setValue(value);
            return old;
          });
          assertThat(seen).as(what).isEqualTo(current);
          expected.read(present);
          model.put(key, value);
          expected.puts++;
        }
        case 13 -> {
          // invoke that writes blind: JSR-107 counts its lookup as a read anyway, then a put
          cache.invoke(key, entry -> {
            entry.setValue(value);
            return null;
          });
          expected.read(present);
          model.put(key, value);
          expected.puts++;
        }
        case 14 -> {
          // update that removes blind: a removal if there was a value, no read
          cache.update(key, entry -> {
            entry.remove();
            return null;
          });
          expected.removals += present ? 1 : 0;
          model.remove(key);
        }
        case 15 -> {
          // update that only asks whether the entry exists: counts nothing
          Boolean exists = cache.update(key, MutableEntry::exists);
          assertThat(exists).as(what).isEqualTo(present);
        }
        case 16 -> {
          // update that reads, then writes: a hit or a miss, then a put
          String seen = cache.update(key, entry -> {
            String old = entry.getValue();
            entry.setValue(value);
            return old;
          });
          assertThat(seen).as(what).isEqualTo(current);
          expected.read(present);
          model.put(key, value);
          expected.puts++;
        }
        case 17 -> {
          // invoke that only asks whether the entry exists: one read for the lookup
          Boolean exists = cache.invoke(key, MutableEntry::exists);
          assertThat(exists).as(what).isEqualTo(present);
          expected.read(present);
        }
        default -> {
          // compute: reads (hit or miss), then puts or removes
          boolean remove = random.nextBoolean();
          String result = cache.compute(key, (k, old) -> remove ? null : value);
          assertThat(result).as(what).isEqualTo(remove ? null : value);
          expected.read(present);
          if (remove) {
            expected.removals += present ? 1 : 0;
            model.remove(key);
          } else {
            expected.puts++;
            model.put(key, value);
          }
        }
      }
    }
    for (String key : KEYS) {
      assertThat(cache.containsKey(key)).as("final state of %s", key)
          .isEqualTo(Objects.nonNull(model.get(key)));
    }
    return expected;
  }

  private static TieredCache<String, String> smallExpiringCache(ManualClock clock,
      boolean statistics, boolean tiered) {
    // Upkeep on the caller's thread: by default the bound may be enforced only after the entries
    // expired and were dropped, and then nothing is evicted.
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder(NAME)
        .memoryMaintenanceExecutor(Runnable::run)
        .statisticsEnabled(statistics)
        .maximumSize(2)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(1)));
    if (tiered) {
      builder.lowerTier(new MapLowerTier<>());
    }
    return builder.build();
  }

  /** Makes operations that move every counter: bound evictions, hits, misses, expirations. */
  private static void exerciseEveryCounter(TieredCache<String, String> cache, ManualClock clock) {
    for (int i = 0; i < 10; i++) {
      cache.put("k" + i, "v" + i);
    }
    for (int i = 0; i < 10; i++) {
      cache.get("k" + i);
      cache.getAndPut("k" + i, "w" + i);
    }
    cache.get("absent");
    cache.putIfAbsent("k9", "x");
    cache.replace("k9", "y");
    cache.remove("k9");
    cache.invoke("k9", entry -> {
      entry.setValue(entry.getValue() == null ? "z" : entry.getValue());
      return null;
    });
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 10; i++) {
      cache.get("k" + i);
    }
  }

  private static void assertAllZero(CacheStatistics stats) {
    assertThat(stats.hits()).as("hits").isZero();
    assertThat(stats.misses()).as("misses").isZero();
    assertThat(stats.puts()).as("puts").isZero();
    assertThat(stats.removals()).as("removals").isZero();
    assertThat(stats.evictions()).as("evictions").isZero();
    assertThat(stats.expirations()).as("expirations").isZero();
    assertThat(stats.getTimeNanos()).as("getTimeNanos").isZero();
    assertThat(stats.putTimeNanos()).as("putTimeNanos").isZero();
    assertThat(stats.removeTimeNanos()).as("removeTimeNanos").isZero();
    assertThat(stats.memoryHits()).as("memoryHits").isZero();
    assertThat(stats.memoryMisses()).as("memoryMisses").isZero();
    assertThat(stats.lowerHits()).as("lowerHits").isZero();
    assertThat(stats.lowerMisses()).as("lowerMisses").isZero();
    assertThat(stats.memoryEvictions()).as("memoryEvictions").isZero();
  }
}
