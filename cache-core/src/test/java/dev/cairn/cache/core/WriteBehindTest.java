package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write-behind path between the memory tier and a lower tier (docs/design.md, "Tiers", and the
 * invariants "Read your writes", "Bounded memory", "Durability contract" and "Segments are
 * independent"): coalescing, order per key, reads through the buffer, what flush and close promise,
 * batching, back-pressure, a failing tier, and segments that do not wait on each other. The lower
 * tier is a {@link MapLowerTier}, which records every batch it accepts.
 */
class WriteBehindTest {

  /** So long that only an explicit flush (or a full batch) writes anything below. */
  private static final Duration NEVER = Duration.ofHours(1);
  private static final long ETERNAL = MemoryEntry.ETERNAL;

  private final MapLowerTier<String, String> tier = new MapLowerTier<>();
  private final List<Thread> started = new ArrayList<>();

  @AfterEach
  void letGoOfTheTierAndThreads() {
    tier.failing.set(false);
    tier.release();
    tier.releaseSegments();
    started.forEach(Thread::interrupt);
  }

  // ------------------------------------------------------------------ coalescing and order

  @Test
  void putsToOneKeyBeforeAFlushReachTheLowerTierAsOneWriteOfTheLastValue() {
    try (TieredCache<String, String> cache = cache("coalesce").flushInterval(NEVER).build()) {
      for (int i = 0; i < 100; i++) {
        cache.put("k", "v" + i);
      }
      assertThat(tier.batches).as("nothing is written before the flush").isEmpty();

      cache.flush();

      assertThat(written(tier, "k")).containsExactly("v99");
      assertThat(tier.stored("k").value()).isEqualTo("v99");
      assertThat(tier.batches).hasSize(1);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2024})
  void writesOfOneKeyReachTheLowerTierInTheOrderTheyWereMade(long seed) {
    Random random = new Random(seed);
    try (TieredCache<String, String> cache = cache("order").flushInterval(NEVER).build()) {
      // Per flush, the last operation before it: that is what must arrive below, in this order.
      List<String> expected = new ArrayList<>();
      String last = null;
      boolean unflushed = false;
      for (int op = 0; op < 300; op++) {
        if (op % 2 == 0) {
          last = "v" + op;
          cache.put("k", last);
        } else {
          assertThat(cache.remove("k")).as("remove #%d", op).isTrue();
          last = null;
        }
        cache.put("noise-" + random.nextInt(20), "n" + op);
        unflushed = true;
        assertThat(cache.get("k")).as("read after op #%d", op).isEqualTo(last);
        if (random.nextInt(5) == 0) {
          cache.flush();
          expected.add(last);
          unflushed = false;
        }
      }
      cache.flush();
      if (unflushed) {
        expected.add(last);
      }

      assertThat(written(tier, "k")).containsExactlyElementsOf(expected);
      assertThat(tier.stored("k") == null ? null : tier.stored("k").value()).isEqualTo(last);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 8, 9})
  void backgroundFlushesNeverReorderTheWritesOfOneKey(long seed) {
    Random random = new Random(seed);
    try (TieredCache<String, String> cache = cache("order-background")
        .flushInterval(Duration.ofMillis(1))
        .flushBatchSize(3)
        .segments(2)
        .build()) {
      List<String> operations = new ArrayList<>();
      for (int op = 0; op < 2_000; op++) {
        String value = op % 2 == 0 ? "v" + op : null;
        if (value == null) {
          cache.remove("k");
        } else {
          cache.put("k", value);
        }
        operations.add(value);
        cache.put("noise-" + random.nextInt(50), "n" + op);
        if (random.nextInt(50) == 0) {
          cache.flush();
        }
      }
      cache.flush();

      List<String> written = written(tier, "k");
      assertIsSubsequence(written, operations);
      assertThat(written).last().isEqualTo(operations.get(operations.size() - 1));
      assertThat(tier.stored("k")).isNull();
    }
  }

  @Test
  void coalescedIntermediateValuesNeverReachTheLowerTier() {
    try (TieredCache<String, String> cache = cache("intermediate").flushInterval(NEVER).build()) {
      Map<String, List<String>> expected = new LinkedHashMap<>();
      for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 30; k++) {
          String key = "k" + k;
          for (int i = 0; i < 10; i++) {
            cache.put(key, "intermediate-" + round + "-" + i);
            if (i == 5) {
              cache.remove(key);
            }
          }
          String last = "final-" + round + "-" + k;
          cache.put(key, last);
          if (k % 3 == 0) {
            cache.remove(key);
            last = null;
          }
          expected.computeIfAbsent(key, x -> new ArrayList<>()).add(last);
        }
        cache.flush();
      }

      expected.forEach((key, values) ->
          assertThat(written(tier, key)).as("writes of %s", key).containsExactlyElementsOf(values));
      List<String> everyValueWritten = tier.batches.stream().flatMap(List::stream)
          .map(TierWrite::value).toList();
      assertThat(everyValueWritten).hasSize(60)
          .noneMatch(value -> value != null && value.startsWith("intermediate"));
    }
  }

  // ------------------------------------------------------------------ reads through the buffer

  @Test
  void readsSeeTheLatestQueuedValueBeforeAnyFlush() {
    // An empty memory tier sends every read down to the buffer.
    try (TieredCache<String, String> cache = cacheWithEmptyMemory("read-queued")
        .statisticsEnabled(true).flushInterval(NEVER).build()) {
      Map<String, String> expected = new LinkedHashMap<>();
      for (int k = 0; k < 50; k++) {
        for (int i = 0; i < 3; i++) {
          cache.put("k" + k, "v" + k + "-" + i);
        }
        expected.put("k" + k, "v" + k + "-2");
      }
      for (int k = 0; k < 50; k += 5) {
        cache.remove("k" + k);
        expected.put("k" + k, null);
      }
      assertThat(cache.memoryTierSize()).isZero();
      assertThat(tier.batches).isEmpty();
      int tierReads = tier.reads.get();
      long lowerHits = cache.statistics().lowerHits();

      expected.forEach((key, value) -> assertThat(cache.get(key)).as(key).isEqualTo(value));

      assertThat(tier.reads).as("answered by the buffer, not the tier").hasValue(tierReads);
      assertThat(cache.statistics().lowerHits() - lowerHits).isEqualTo(40);
    }
  }

  @Test
  void readsSeeTheLatestQueuedValueOfKeysWhoseHashCodesCollide() {
    MapLowerTier<CollidingKey, String> collidingTier = new MapLowerTier<>();
    try (TieredCache<CollidingKey, String> cache = TieredCache
        .<CollidingKey, String>builder("read-colliding")
        .lowerTier(collidingTier)
        .maximumSize(0)
        .memoryMaintenanceExecutor(Runnable::run)   // see cacheWithEmptyMemory
        .segments(4)
        .flushInterval(NEVER)
        .closeTimeout(Duration.ofSeconds(2))
        .build()) {
      for (int i = 0; i < 60; i++) {
        cache.put(new CollidingKey(i), "a" + i);
      }
      for (int i = 0; i < 60; i++) {
        cache.put(new CollidingKey(i), "b" + i);
        if (i % 3 == 0) {
          cache.remove(new CollidingKey(i));
        }
      }
      assertThat(collidingTier.batches).isEmpty();
      int tierReads = collidingTier.reads.get();

      for (int i = 0; i < 60; i++) {
        assertThat(cache.get(new CollidingKey(i))).as("key %d", i)
            .isEqualTo(i % 3 == 0 ? null : "b" + i);
      }
      assertThat(collidingTier.reads).hasValue(tierReads);

      cache.flush();
      for (int i = 0; i < 60; i++) {
        CollidingKey key = new CollidingKey(i);
        assertThat(collidingTier.stored(key) == null ? null : collidingTier.stored(key).value())
            .as("stored key %d", i).isEqualTo(i % 3 == 0 ? null : "b" + i);
        assertThat(cache.get(key)).as("key %d after flush", i)
            .isEqualTo(i % 3 == 0 ? null : "b" + i);
      }
    }
  }

  @Test
  void aQueuedRemoveShadowsAValueAlreadyInTheLowerTier() {
    try (TieredCache<String, String> cache = cacheWithEmptyMemory("shadow-remove")
        .flushInterval(NEVER).build()) {
      tier.preload("k", "on disk", ETERNAL);
      assertThat(cache.get("k")).isEqualTo("on disk");

      assertThat(cache.remove("k")).isTrue();

      assertThat(tier.stored("k").value()).as("not flushed yet").isEqualTo("on disk");
      assertThat(cache.get("k")).isNull();
      assertThat(cache.containsKey("k")).isFalse();
      cache.flush();
      assertThat(tier.stored("k")).isNull();
      assertThat(cache.get("k")).isNull();
    }
  }

  @Test
  void aQueuedPutShadowsAnOlderValueInTheLowerTier() {
    try (TieredCache<String, String> cache = cacheWithEmptyMemory("shadow-put")
        .flushInterval(NEVER).build()) {
      tier.preload("k", "old", ETERNAL);

      cache.put("k", "new");

      assertThat(tier.stored("k").value()).as("not flushed yet").isEqualTo("old");
      assertThat(cache.get("k")).isEqualTo("new");
      cache.flush();
      assertThat(tier.stored("k").value()).isEqualTo("new");
      assertThat(cache.get("k")).isEqualTo("new");
    }
  }

  // ------------------------------------------------------------------ flush and close

  @Test
  void flushReturnsOnlyWhenEveryEarlierWriteIsInTheLowerTier() {
    try (TieredCache<String, String> cache = cache("flush").flushInterval(NEVER)
        .flushBatchSize(16).build()) {
      for (int i = 0; i < 20; i++) {
        tier.preload("gone" + i, "old", ETERNAL);
      }
      for (int i = 0; i < 300; i++) {
        cache.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(cache.remove("gone" + i)).isTrue();
      }

      cache.flush();

      for (int i = 0; i < 300; i++) {
        assertThat(tier.stored("k" + i)).as("k%d", i).isNotNull()
            .extracting(entry -> entry.value()).isEqualTo("v" + i);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(tier.stored("gone" + i)).as("gone%d", i).isNull();
      }
      assertThat(cache.statistics().pendingWrites()).isZero();
    }
  }

  @Test
  void flushWritesSegmentsInParallelSoASlowSegmentDoesNotHoldTheOthers() throws Exception {
    MapLowerTier<Integer, Integer> slow = new MapLowerTier<>();
    try (TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("parallel")
        .lowerTier(slow)
        .segments(4)
        .flushInterval(NEVER)
        .build()) {
      // Each segment in turn is the slow one, so no flush order can pass by luck.
      for (int held = 0; held < 4; held++) {
        int round = held;
        for (int key = 0; key < 64; key++) {
          cache.put(key, key * 10 + round);
        }
        slow.holdSegment(held);
        Worker flusher = start(cache::flush);
        try {
          eventually().untilAsserted(() -> {
            for (int key = 0; key < 64; key++) {
              boolean inHeldSegment = TieredCache.segmentOf(TieredCache.spread(key), 4) == round;
              TierEntry<Integer> stored = slow.stored(key);
              assertThat(stored != null && stored.value() == key * 10 + round)
                  .as("key %d flushed while segment %d is held", key, round)
                  .isEqualTo(!inHeldSegment);
            }
          });
          assertThat(flusher.done.getCount()).as("flush waits for the held segment").isOne();
        } finally {
          slow.releaseSegment(held);
        }
        flusher.awaitDone();
        for (int key = 0; key < 64; key++) {
          assertThat(slow.stored(key).value()).isEqualTo(key * 10 + round);
        }
      }
    }
  }

  @Test
  void flushCoversEveryEarlierWriteWhileBackgroundLanesAreFlushingToo() throws Exception {
    MapLowerTier<Integer, Integer> counters = new MapLowerTier<>();
    int keys = 64;
    try (TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("flush-race")
        .lowerTier(counters)
        .segments(4)
        .flushInterval(Duration.ofMillis(1))
        .flushBatchSize(4)
        .closeTimeout(Duration.ofSeconds(2))
        .build()) {
      AtomicInteger acknowledged = new AtomicInteger(-1);
      AtomicBoolean stop = new AtomicBoolean();
      // Key i % keys gets value i: values of a key only grow, so "this write or a later one".
      Worker writer = start(() -> {
        for (int i = 0; !stop.get(); i++) {
          cache.put(i % keys, i);
          acknowledged.set(i);
        }
      });
      try {
        for (int round = 0; round < 30; round++) {
          int before = acknowledged.get();
          eventually().until(() -> acknowledged.get() > before + 50);
          int acked = acknowledged.get();

          cache.flush();

          for (int key = 0; key < keys && key <= acked; key++) {
            int lastAcked = acked - Math.floorMod(acked - key, keys);
            assertThat(counters.stored(key)).as("key %d, round %d", key, round).isNotNull();
            assertThat(counters.stored(key).value()).as("key %d, round %d", key, round)
                .isGreaterThanOrEqualTo(lastAcked);
          }
        }
      } finally {
        stop.set(true);
      }
      writer.awaitDone();
      assertThat(writer.failure()).isNull();
    }
  }

  @Test
  void closeDrainsTheBufferIntoTheLowerTierAndThenClosesIt() {
    TieredCache<String, String> cache = cache("close").flushInterval(NEVER).build();
    for (int i = 0; i < 10; i++) {
      tier.preload("gone" + i, "old", ETERNAL);
    }
    for (int i = 0; i < 200; i++) {
      cache.put("k" + i, "v" + i);
    }
    for (int i = 0; i < 10; i++) {
      cache.remove("gone" + i);
    }
    assertThat(tier.batches).isEmpty();

    cache.close();

    assertThat(cache.isClosed()).isTrue();
    assertThat(tier.closed).isTrue();
    assertThat(tier.writesAfterClose).as("drained before the tier was closed").hasValue(0);
    for (int i = 0; i < 200; i++) {
      assertThat(tier.stored("k" + i)).as("k%d", i).isNotNull()
          .extracting(entry -> entry.value()).isEqualTo("v" + i);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(tier.stored("gone" + i)).as("gone%d", i).isNull();
    }
  }

  // ------------------------------------------------------------------ batching

  @Test
  void aPartialBatchIsFlushedAfterTheFlushIntervalWithoutAnExplicitFlush() {
    try (TieredCache<String, String> cache = cache("partial").segments(1)
        .flushInterval(Duration.ofMillis(20)).flushBatchSize(100).build()) {
      cache.put("a", "1");
      cache.put("b", "2");
      cache.put("c", "3");

      eventually().untilAsserted(() -> {
        assertThat(tier.stored("a")).isNotNull();
        assertThat(tier.stored("b")).isNotNull();
        assertThat(tier.stored("c")).isNotNull();
      });
      assertThat(tier.stored("c").value()).isEqualTo("3");
      assertThat(tier.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThan(100));
      assertThat(cache.statistics().pendingWrites()).isZero();
    }
  }

  @Test
  void anExplicitFlushWritesBatchesOfAtMostFlushBatchSize() {
    try (TieredCache<String, String> cache = cache("batch-explicit").segments(1)
        .flushInterval(NEVER).flushBatchSize(7).build()) {
      // Fewer keys than a batch each time, so that only the explicit flush writes.
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 6; i++) {
          cache.put("k" + round + "-" + i, "v");
        }
        if (round % 5 == 4) {
          cache.flush();
        }
      }
      cache.flush();

      assertThat(tier.batches).isNotEmpty()
          .allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(7));
      assertThat(tier.size()).isEqualTo(120);
    }
  }

  @Test
  void backgroundFlushesWriteBatchesOfAtMostFlushBatchSize() {
    try (TieredCache<String, String> cache = cache("batch-background").segments(1)
        .flushInterval(Duration.ofMillis(5)).flushBatchSize(7).build()) {
      for (int i = 0; i < 500; i++) {
        cache.put("k" + i, "v" + i);
      }

      eventually().until(() -> tier.size() == 500);
      assertThat(tier.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(7));
      assertThat(tier.batches.stream().mapToInt(List::size).sum()).isEqualTo(500);
    }
  }

  // ------------------------------------------------------------------ back-pressure

  @Test
  void aWriterOfANewKeyBlocksWhileTheBufferIsFullAndResumesWhenTheTierCatchesUp() {
    try (TieredCache<String, String> cache = cache("block").segments(1)
        .writeBufferCapacity(2).flushBatchSize(2).flushInterval(NEVER)
        .backPressure(BackPressure.BLOCK, Duration.ofSeconds(30)).build()) {
      try {
        List<String> keys = keysWithDistinctStripes(3);
        tier.hold();
        cache.put(keys.get(0), "1");
        cache.put(keys.get(1), "2");

        Worker writer = start(() -> cache.put(keys.get(2), "3"));

        awaitBlocked(writer);
        assertThat(writer.isDone()).isFalse();
        // Replacing a key already in the full buffer needs no space.
        cache.put(keys.get(0), "1b");
        assertThat(tier.batches).isEmpty();

        tier.release();

        writer.awaitDone();
        assertThat(writer.failure()).isNull();
        assertThat(cache.get(keys.get(2))).isEqualTo("3");
        cache.flush();
        assertThat(tier.stored(keys.get(0)).value()).isEqualTo("1b");
        assertThat(tier.stored(keys.get(2)).value()).isEqualTo("3");
      } finally {
        tier.release();
      }
    }
  }

  @Test
  void aBlockedWriterFailsAfterTheTimeoutNamingTheCacheAndLeavesTheCacheUnchanged() {
    try (TieredCache<String, String> cache = cache("block-timeout").segments(1)
        .writeBufferCapacity(2).flushBatchSize(2).flushInterval(NEVER)
        .backPressure(BackPressure.BLOCK, Duration.ofMillis(50)).build()) {
      try {
        cache.put("old", "before");
        cache.flush();
        tier.hold();
        cache.put("a", "1");
        cache.put("b", "2");

        assertThatThrownBy(() -> cache.put("old", "after"))
            .isInstanceOf(CacheWriteException.class)
            .hasMessageContaining("block-timeout");
        assertThatThrownBy(() -> cache.put("new", "x"))
            .isInstanceOf(CacheWriteException.class)
            .hasMessageContaining("block-timeout");

        assertThat(cache.get("old")).isEqualTo("before");
        assertThat(cache.get("new")).isNull();
        assertThat(cache.containsKey("new")).isFalse();
        tier.release();
        cache.flush();
        assertThat(tier.stored("old").value()).isEqualTo("before");
        assertThat(tier.stored("new")).isNull();
        assertThat(cache.get("old")).isEqualTo("before");
      } finally {
        tier.release();
      }
    }
  }

  @Test
  void aFullBufferIsFlushedAtOnceRatherThanAtTheNextFlushInterval() {
    // The batch is larger than the buffer, so no full batch ever starts a lane; the writer must
    // not be left waiting for an interval that is longer than its timeout while the tier is fine.
    try (TieredCache<String, String> cache = cache("block-prompt").segments(1)
        .writeBufferCapacity(2).flushBatchSize(512).flushInterval(NEVER)
        .backPressure(BackPressure.BLOCK, Duration.ofSeconds(5)).build()) {
      for (int i = 0; i < 10; i++) {
        cache.put("k" + i, "v" + i);
      }

      for (int i = 0; i < 10; i++) {
        assertThat(cache.get("k" + i)).isEqualTo("v" + i);
      }
      assertThat(tier.size()).as("full buffers were flushed").isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void concurrentWritersOfAFullBufferAreAllReleasedWithoutWaitingForTheFlushInterval() {
    try (TieredCache<String, String> cache = cache("block-prompt-concurrent").segments(1)
        .writeBufferCapacity(2).flushBatchSize(512).flushInterval(NEVER)
        .backPressure(BackPressure.BLOCK, Duration.ofSeconds(5)).build()) {
      List<Worker> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String prefix = "w" + w + "-";
        writers.add(start(() -> {
          for (int i = 0; i < 300; i++) {
            cache.put(prefix + i, "v" + i);
          }
        }));
      }

      for (Worker writer : writers) {
        writer.awaitDone();
        assertThat(writer.failure()).isNull();
      }
      cache.flush();
      assertThat(tier.size()).isEqualTo(1_200);
    }
  }

  @Test
  void aWriteOfANewKeyGoesStraightToTheLowerTierWhenTheBufferIsFull() {
    try (TieredCache<String, String> cache = cache("write-through").segments(1)
        .writeBufferCapacity(2).flushBatchSize(2).flushInterval(NEVER)
        .backPressure(BackPressure.WRITE_THROUGH, Duration.ofSeconds(1)).build()) {
      try {
        List<String> keys = keysWithDistinctStripes(3);
        // The held tier keeps the buffer full: its batch cannot complete.
        tier.hold();
        cache.put(keys.get(0), "1");
        cache.put(keys.get(1), "2");

        Worker writer = start(() -> cache.put(keys.get(2), "3"));

        // The writer waits for the tier itself, not for space in the buffer.
        awaitBlocked(writer);
        assertThat(cache.statistics().pendingWrites()).isEqualTo(2);
        tier.release();
        writer.awaitDone();
        assertThat(writer.failure()).isNull();
        assertThat(tier.stored(keys.get(2))).as("written before put returned").isNotNull()
            .extracting(entry -> entry.value()).isEqualTo("3");
        assertThat(tier.batches).as("written alone, never through the buffer")
            .filteredOn(batch -> batch.stream().anyMatch(w -> w.key().equals(keys.get(2))))
            .singleElement()
            .satisfies(batch -> assertThat(batch).extracting(TierWrite::key)
                .containsExactly(keys.get(2)));
        assertThat(cache.get(keys.get(2))).isEqualTo("3");
        cache.flush();
        assertThat(tier.stored(keys.get(0)).value()).isEqualTo("1");
        assertThat(tier.stored(keys.get(1)).value()).isEqualTo("2");
      } finally {
        tier.release();
      }
    }
  }

  // ------------------------------------------------------------------ failing lower tier

  @Test
  void whileTheLowerTierFailsEntriesStayBufferedAndReadableAndFlushFails() {
    try (TieredCache<String, String> cache = cacheWithEmptyMemory("flaky-store")
        .flushInterval(Duration.ofMillis(5)).flushBatchSize(4)
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build()) {
      tier.failing.set(true);
      for (int i = 0; i < 20; i++) {
        cache.put("k" + i, "v" + i);
      }

      assertThatThrownBy(cache::flush).isInstanceOf(CacheWriteException.class)
          .hasMessageContaining("flaky-store");
      long failures = cache.statistics().flushFailures();
      assertThat(failures).isPositive();
      eventually().until(() -> cache.statistics().flushFailures() > failures);

      assertThat(cache.statistics().pendingWrites()).isEqualTo(20);
      assertThat(tier.batches).isEmpty();
      for (int i = 0; i < 20; i++) {
        assertThat(cache.get("k" + i)).as("k%d", i).isEqualTo("v" + i);
      }
      tier.failing.set(false);
    }
  }

  @Test
  void afterTheLowerTierRecoversRetriesWriteEverythingWithoutLossOrReordering() {
    try (TieredCache<String, String> cache = cacheWithEmptyMemory("recovering")
        .flushInterval(Duration.ofMillis(5)).flushBatchSize(4)
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build()) {
      for (int i = 0; i < 10; i++) {
        tier.preload("gone" + i, "old", ETERNAL);
      }
      tier.failing.set(true);
      Map<String, List<String>> operations = new LinkedHashMap<>();
      for (int i = 0; i < 30; i++) {
        remember(operations, "k" + i, "a" + i);
        cache.put("k" + i, "a" + i);
      }
      eventually().until(() -> tier.failedAttempts.get() > 2);
      for (int i = 0; i < 15; i++) {
        remember(operations, "k" + i, "b" + i);
        cache.put("k" + i, "b" + i);
      }
      for (int i = 0; i < 10; i++) {
        remember(operations, "gone" + i, null);
        cache.remove("gone" + i);
      }
      assertThatThrownBy(cache::flush).isInstanceOf(CacheWriteException.class);
      assertThat(cache.statistics().pendingWrites()).isEqualTo(40);

      tier.failing.set(false);
      // Writes made while the retries catch up must still land after the older ones.
      for (int i = 0; i < 5; i++) {
        remember(operations, "k" + i, "c" + i);
        cache.put("k" + i, "c" + i);
      }

      eventually().until(() -> cache.statistics().pendingWrites() == 0);
      operations.forEach((key, ops) -> {
        List<String> written = written(tier, key);
        assertIsSubsequence(written, ops);
        String last = ops.get(ops.size() - 1);
        assertThat(written).as("writes of %s", key).last().isEqualTo(last);
        assertThat(tier.stored(key) == null ? null : tier.stored(key).value()).as(key)
            .isEqualTo(last);
        assertThat(cache.get(key)).as(key).isEqualTo(last);
      });
    }
  }

  // ------------------------------------------------------------------ segments

  @Test
  void aStalledSegmentDoesNotHoldUpWritesToAnotherSegment() {
    try (TieredCache<String, String> cache = cache("segments").segments(2)
        .writeBufferCapacity(4).flushBatchSize(2).flushInterval(Duration.ofMillis(10))
        .backPressure(BackPressure.BLOCK, Duration.ofSeconds(30)).build()) {
      try {
        tier.holdSegment(0);
        List<String> stalled = keysOfSegment(0, 2, 5, -1);
        for (int i = 0; i < 4; i++) {
          cache.put(stalled.get(i), "s" + i);
        }
        Worker stalledWriter = start(() -> cache.put(stalled.get(4), "s4"));
        awaitBlocked(stalledWriter);

        List<String> free = keysOfSegment(1, 2, 40, stripeOf(stalled.get(4)));
        Worker freeWriter = start(() -> {
          for (String key : free) {
            cache.put(key, "f-" + key);
          }
        });

        freeWriter.awaitDone();
        assertThat(freeWriter.failure()).isNull();
        eventually().untilAsserted(() -> assertThat(free)
            .allSatisfy(key -> assertThat(tier.stored(key)).as(key).isNotNull()));
        assertThat(stalledWriter.isDone()).as("segment 0 is still stalled").isFalse();
        assertThat(stalled).allSatisfy(key -> assertThat(tier.stored(key)).isNull());

        tier.releaseSegment(0);

        stalledWriter.awaitDone();
        assertThat(stalledWriter.failure()).isNull();
        eventually().untilAsserted(() -> assertThat(stalled)
            .allSatisfy(key -> assertThat(tier.stored(key)).as(key).isNotNull()));
      } finally {
        tier.releaseSegments();
      }
    }
  }

  // ------------------------------------------------------------------ statistics

  @Test
  void statisticsCountFlushedBatchesFlushedEntriesAndPendingWrites() {
    try (TieredCache<String, String> cache = cache("statistics").segments(1)
        .flushInterval(NEVER).flushBatchSize(10).build()) {
      for (int i = 0; i < 7; i++) {
        cache.put("k" + i, "v" + i);
      }
      cache.put("k0", "again");
      cache.remove("k1");

      CacheStatistics before = cache.statistics();
      assertThat(before.pendingWrites()).isEqualTo(7);
      assertThat(before.flushedBatches()).isZero();
      assertThat(before.flushedEntries()).isZero();

      cache.flush();

      CacheStatistics after = cache.statistics();
      assertThat(after.pendingWrites()).isZero();
      assertThat(after.flushedBatches()).isEqualTo(1);
      assertThat(after.flushedEntries()).isEqualTo(7);

      // 25 new keys with a batch of 10: full batches start lanes, the flush writes the rest.
      for (int i = 0; i < 25; i++) {
        cache.put("m" + i, "v");
      }
      cache.flush();

      CacheStatistics last = cache.statistics();
      assertThat(last.pendingWrites()).isZero();
      assertThat(last.flushedEntries()).isEqualTo(32);
      assertThat(last.flushedBatches()).isEqualTo(tier.batches.size()).isGreaterThanOrEqualTo(4);
      assertThat(last.flushedEntries())
          .isEqualTo(tier.batches.stream().mapToInt(List::size).sum());
      assertThat(last.flushFailures()).isZero();
    }
  }

  // ------------------------------------------------------------------ helpers

  private TieredCacheBuilder<String, String> cache(String name) {
    return TieredCache.<String, String>builder(name)
        .lowerTier(tier)
        // A broken test must not hang in close() for the default 30 s.
        .closeTimeout(Duration.ofSeconds(2));
  }

  /**
   * A cache whose memory tier holds nothing, so that every read goes to the buffer or the tier.
   * The upkeep runs on the caller's thread, so each write's entry has left memory when the write
   * returns: on the common pool it would stay a moment, and a read could find it there.
   */
  private TieredCacheBuilder<String, String> cacheWithEmptyMemory(String name) {
    return cache(name).maximumSize(0).memoryMaintenanceExecutor(Runnable::run);
  }

  /** The values written below for a key, in the order the tier applied them; null = removal. */
  private static <K> List<String> written(MapLowerTier<K, String> tier, K key) {
    List<TierWrite<K, String>> history = tier.history.get(key);
    if (history == null) {
      return List.of();
    }
    synchronized (history) {
      return history.stream().map(TierWrite::value).toList();
    }
  }

  private static void remember(Map<String, List<String>> operations, String key, String value) {
    operations.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  /** Fails unless {@code written} is {@code operations} with some elements left out. */
  private static void assertIsSubsequence(List<String> written, List<String> operations) {
    int next = 0;
    for (int i = 0; i < written.size(); i++) {
      String value = written.get(i);
      while (next < operations.size() && !Objects.equals(operations.get(next), value)) {
        next++;
      }
      assertThat(next).as("write #%d below (%s) has no match among the operations after the"
          + " previous write's: out of order, or never made", i, value)
          .isLessThan(operations.size());
      next++;
    }
  }

  private static int stripeOf(Object key) {
    return TieredCache.spread(key.hashCode()) & 255;
  }

  private static int segmentOf(Object key, int segments) {
    return TieredCache.segmentOf(TieredCache.spread(key.hashCode()), segments);
  }

  /** Keys of one segment; none shares a lock stripe with {@code avoidStripe} or each other. */
  private static List<String> keysOfSegment(int segment, int segments, int count,
      int avoidStripe) {
    List<String> keys = new ArrayList<>();
    Set<Integer> stripes = new HashSet<>();
    stripes.add(avoidStripe);
    for (int i = 0; keys.size() < count; i++) {
      String key = "s" + segment + "-" + i;
      if (segmentOf(key, segments) == segment && stripes.add(stripeOf(key))) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Keys whose lock stripes differ, so a writer blocked on one never holds up another. */
  private static List<String> keysWithDistinctStripes(int count) {
    return keysOfSegment(0, 1, count, -1);
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2));
  }

  private static void awaitBlocked(Worker worker) {
    eventually().until(() -> worker.isDone()
        || worker.thread.getState() == Thread.State.WAITING
        || worker.thread.getState() == Thread.State.TIMED_WAITING);
    assertThat(worker.isDone()).as("the writer should be blocked, not done").isFalse();
  }

  private Worker start(Runnable body) {
    Worker worker = new Worker(body);
    started.add(worker.thread);
    worker.thread.start();
    return worker;
  }

  /** A thread running one task, remembering how it ended. */
  private static final class Worker {
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final Thread thread;

    Worker(Runnable body) {
      thread = new Thread(() -> {
        try {
          body.run();
        } catch (Throwable t) {
          failure.set(t);
        } finally {
          done.countDown();
        }
      }, "write-behind-test-worker");
      thread.setDaemon(true);
    }

    boolean isDone() {
      return done.getCount() == 0;
    }

    void awaitDone() {
      eventually().until(this::isDone);
    }

    Throwable failure() {
      return failure.get();
    }
  }

  /** A key whose hash code is the same as every other's, so all of them collide. */
  private record CollidingKey(int id) {
    @Override
    public int hashCode() {
      return 42;
    }
  }
}
