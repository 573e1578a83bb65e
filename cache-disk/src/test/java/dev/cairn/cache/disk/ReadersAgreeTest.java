package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.CacheClock;
import dev.cairn.cache.core.EventType;
import dev.cairn.cache.core.Expiry;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.TieredCacheBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariant "Readers agree" (docs/design.md) over the real disk tier: under any combination of a
 * memory bound, a disk entry bound and a disk byte bound, {@code get}, {@code getAll}, iteration,
 * {@code size}, the {@code cache.size} estimate, a remove-all walk and {@code clear} see the same
 * entries. The disk tier reports what its bounds evict and what its purge expires; the engine drops
 * those keys from memory, so memory never serves a key the authoritative tier no longer holds.
 */
class ReadersAgreeTest {

  private static final int KEYS = 1_000;
  private static final String VALUE = "v".repeat(100);

  @TempDir
  Path temp;

  /** memory entries, disk entries (0: none), disk bytes (0: none). */
  static Stream<Arguments> bounds() {
    return Stream.of(
        Arguments.of(10_000, 100, 0),       // the reported case: disk bound below memory's
        Arguments.of(10_000, 0, 16 << 10),  // a byte bound only
        Arguments.of(10_000, 300, 16 << 10),
        Arguments.of(50, 100, 0),           // memory bound below the disk bound
        Arguments.of(50, 0, 0),             // disk unbounded: nothing is lost at all
        Arguments.of(200, 600, 64 << 10));
  }

  private TieredCache<Integer, String> open(Path directory, int memory, int diskEntries,
      int diskBytes, TieredCacheBuilder<Integer, String> builder) {
    DiskTier<Integer, String> disk = DiskTier.of(directory, Serializers.integers(),
        Serializers.string());
    if (diskEntries > 0) {
      disk.maximumEntries(diskEntries);
    }
    if (diskBytes > 0) {
      disk.maximumBytes(diskBytes);
    }
    return builder.maximumSize(memory).segments(4).statisticsEnabled(true).warmRestart(false)
        .lowerTier(disk).build();
  }

  @ParameterizedTest(name = "memory {0}, disk entries {1}, disk bytes {2}")
  @MethodSource("bounds")
  void everyReaderSeesTheSameEntriesUnderAnyBounds(int memory, int diskEntries, int diskBytes) {
    AtomicInteger evictedEvents = new AtomicInteger();
    try (TieredCache<Integer, String> cache = open(temp.resolve("c"), memory, diskEntries,
        diskBytes, TieredCache.builder("agree"))) {
      cache.registerListener(event -> evictedEvents.incrementAndGet(),
          EnumSet.of(EventType.EVICTED), true);
      Set<Integer> all = new LinkedHashSet<>();
      for (int i = 0; i < KEYS; i++) {
        cache.put(i, VALUE + i);
        all.add(i);
      }
      cache.flush();

      Set<Integer> byGet = new HashSet<>();
      for (int key : all) {
        String value = cache.get(key);
        if (value != null) {
          assertThat(value).isEqualTo(VALUE + key);
          byGet.add(key);
        }
      }
      Set<Integer> byIteration = new HashSet<>();
      cache.forEach(entry -> byIteration.add(entry.getKey()));
      Map<Integer, String> byGetAll = cache.getAll(all);

      boolean bounded = diskEntries > 0 || diskBytes > 0;
      if (bounded) {
        assertThat(byGet).as("the disk bound took effect").hasSizeLessThan(KEYS);
      } else {
        assertThat(byGet).as("nothing is lost over an unbounded disk").hasSize(KEYS);
      }
      assertThat(byIteration).as("iteration agrees with get").isEqualTo(byGet);
      assertThat(byGetAll.keySet()).as("getAll agrees with get").isEqualTo(byGet);
      assertThat(cache.size()).as("size agrees with get").isEqualTo(byGet.size());
      assertThat(cache.estimatedSize()).as("cache.size agrees with get").isEqualTo(byGet.size());
      long lost = KEYS - byGet.size();
      assertThat(cache.statistics().lowerEvictions()).as("the disk's evictions are counted")
          .isEqualTo(lost);
      assertThat(evictedEvents.get()).as("each disk eviction is an EVICTED event")
          .isEqualTo(lost);

      Iterator<Integer> keys = cache.keys();
      while (keys.hasNext()) {
        cache.remove(keys.next());
      }
      for (int key : all) {
        assertThat(cache.get(key)).as("key %s after removing every key", key).isNull();
      }
      assertThat(cache.size()).isZero();
    }
  }

  @Test
  void clearLeavesNoReaderAnEntry() {
    try (TieredCache<Integer, String> cache = open(temp.resolve("c"), 10_000, 100, 0,
        TieredCache.builder("clear"))) {
      for (int i = 0; i < KEYS; i++) {
        cache.put(i, VALUE);
      }
      cache.flush();
      cache.clear();
      for (int i = 0; i < KEYS; i++) {
        assertThat(cache.get(i)).isNull();
      }
      assertThat(cache.iterator()).isExhausted();
      assertThat(cache.size()).isZero();
    }
  }

  @Test
  void entriesTheDiskPurgesAsExpiredAreDroppedFromMemoryWithAnExpiredEvent() {
    AtomicLong now = new AtomicLong(1_700_000_000_000L);
    CacheClock clock = now::get;
    Map<Integer, String> expired = new ConcurrentHashMap<>();
    DiskTier<Integer, String> disk = DiskTier.of(temp.resolve("c"), Serializers.integers(),
        Serializers.string()).purgeInterval(Duration.ZERO);
    try (TieredCache<Integer, String> cache = TieredCache.<Integer, String>builder("purged")
        .maximumSize(10_000).segments(2).clock(clock).statisticsEnabled(true)
        .warmRestart(false).expiry(Expiry.afterWrite(Duration.ofMinutes(1))).lowerTier(disk)
        .build()) {
      cache.registerListener(event -> expired.put(event.key(), event.oldValue()),
          EnumSet.of(EventType.EXPIRED), true);
      for (int i = 0; i < 10; i++) {
        cache.put(i, "v" + i);
      }
      cache.flush();
      now.addAndGet(Duration.ofMinutes(2).toMillis());

      assertThat(disk.purgeExpiredNow()).isEqualTo(10);
      cache.flush();   // reconciles what the purge reported

      assertThat(cache.memoryTierSize()).as("memory let go of the purged entries").isZero();
      assertThat(expired).hasSize(10).containsEntry(3, "v3");
      assertThat(cache.statistics().expirations()).isEqualTo(10);
    }
  }
}
