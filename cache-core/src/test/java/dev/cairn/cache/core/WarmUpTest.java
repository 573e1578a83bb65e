package dev.cairn.cache.core;

import static dev.cairn.cache.core.MemoryEntry.ETERNAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Warm restarts and warm-up (docs/design.md, "Warm restarts"): hot keys saved at a clean close,
 * memory refilled from them in the background without ever overwriting a newer write, and a loader
 * that preloads from the system of record. The lower tier is a persistent {@link MapLowerTier},
 * which outlives each cache as a disk does a process, and can hold a read to freeze warm-up
 * mid-way.
 */
class WarmUpTest {

  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int SEGMENTS = 4;

  private final MapLowerTier<Integer, String> tier = MapLowerTier.persistent(SEGMENTS);
  private final ManualClock clock = new ManualClock();
  private final List<TieredCache<?, ?>> opened = new ArrayList<>();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger warmerLog = Logger.getLogger(Warmer.class.getName());
  private final Handler capture = new Handler() {
    @Override public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override public void flush() {
    }

    @Override public void close() {
    }
  };

  WarmUpTest() {
    warmerLog.addHandler(capture);
  }

  @AfterEach
  void closeEverything() {
    tier.releaseRead();
    warmerLog.removeHandler(capture);
    opened.forEach(TieredCache::close);
  }

  private TieredCacheBuilder<Integer, String> builder(String name, long maximumSize) {
    // Upkeep on the caller's thread, so every read counts towards the hot-key order: by default
    // Caffeine may drop reads made while its upkeep is busy, and these tests read each key a few
    // times only.
    return TieredCache.<Integer, String>builder(name)
        .memoryMaintenanceExecutor(Runnable::run)
        .maximumSize(maximumSize)
        .segments(SEGMENTS)
        .clock(clock)
        .statisticsEnabled(true)
        .flushInterval(NEVER)
        .lowerTier(tier);
  }

  private <C extends TieredCache<?, ?>> C track(C cache) {
    opened.add(cache);
    return cache;
  }

  private TieredCache<Integer, String> open(String name, long maximumSize) {
    return track(builder(name, maximumSize).build());
  }

  /** Stores entries in the tier and names them as the hot keys saved by a previous run. */
  private List<Integer> previousRun(int count) {
    List<Integer> keys = IntStream.range(0, count).boxed().collect(Collectors.toList());
    keys.forEach(key -> tier.preload(key, "v" + key, ETERNAL));
    tier.savedHotKeys = List.copyOf(keys);
    return keys;
  }

  /** Reads the key and says whether memory answered it, without the lower tier. */
  private boolean servedFromMemory(TieredCache<Integer, String> cache, int key) {
    int before = tier.reads.get();
    cache.get(key);
    return tier.reads.get() == before;
  }

  private static void assertCountedNothing(TieredCache<?, ?> cache) {
    CacheStatistics stats = cache.statistics();
    assertThat(List.of(stats.hits(), stats.misses(), stats.puts(), stats.memoryHits(),
        stats.memoryMisses(), stats.lowerHits(), stats.lowerMisses(), stats.expirations()))
        .as("warm-up counts no statistics").containsOnly(0L);
  }

  // ---------------------------------------------------------------- saving at close

  @Test
  void hottestKeysAreSavedAtCloseAfterTheFinalFlushHottestFirst() {
    TieredCache<Integer, String> cache = open("save", 100);
    for (int i = 0; i < 50; i++) {
      cache.put(i, "v" + i);
    }
    for (int round = 0; round < 10; round++) {
      for (int hot = 20; hot < 25; hot++) {
        cache.get(hot);
      }
    }
    assertThat(tier.hotKeySaves).as("nothing saved before close").hasValue(0);
    cache.close();

    assertThat(tier.hotKeySaves).hasValue(1);
    assertThat(tier.sizeAtSave).as("saved after the final flush").isEqualTo(50);
    assertThat(tier.closedAtSave).as("saved before the tier closes").isFalse();
    assertThat(tier.savedHotKeys).hasSize(50).doesNotHaveDuplicates();
    assertThat(tier.savedHotKeys.subList(0, 5)).as("the keys read most come first")
        .containsExactlyInAnyOrder(20, 21, 22, 23, 24);
  }

  @Test
  void expiredEntriesAreNeitherSavedNorPromoted() {
    Expiry<Integer, String> shortForOdd = new Expiry<>() {
      @Override public Duration expireAfterCreate(Integer key, String value) {
        return key % 2 == 1 ? Duration.ofMinutes(1) : null;
      }

      @Override public Duration expireAfterUpdate(Integer key, String value) {
        return null;
      }

      @Override public Duration expireAfterAccess(Integer key, String value) {
        return null;
      }
    };
    TieredCache<Integer, String> first = track(builder("expired", 100).expiry(shortForOdd).build());
    for (int i = 0; i < 6; i++) {
      first.put(i, "v" + i);
    }
    clock.advance(Duration.ofMinutes(2));
    first.close();
    assertThat(tier.savedHotKeys).as("expired in memory at close").containsExactlyInAnyOrder(0, 2, 4);

    // A snapshot may still name entries that expire later, while the cache is down.
    tier.preload(7, "expires while down", clock.currentTimeMillis() + 1_000);
    tier.preload(8, "lives", ETERNAL);
    tier.savedHotKeys = List.of(7, 8);
    clock.advance(Duration.ofSeconds(2));
    TieredCache<Integer, String> second = open("expired", 100);
    assertThat(second.warmUp().await(WAIT)).isTrue();

    assertThat(second.memoryTierSize()).as("only the live entry is promoted").isEqualTo(1);
    assertThat(servedFromMemory(second, 8)).isTrue();
    assertThat(second.get(7)).isNull();
  }

  @Test
  void warmRestartOffNeitherSavesNorRefills() {
    previousRun(10);
    TieredCache<Integer, String> cache = track(builder("off", 100).warmRestart(false).build());
    assertThat(cache.warmUp().isDone()).as("nothing to warm").isTrue();
    assertThat(cache.memoryTierSize()).isZero();
    cache.put(99, "new");
    cache.close();
    assertThat(tier.hotKeySaves).hasValue(0);
  }

  @Test
  void withNothingToWarmTheHandleIsDoneAtOnce() {
    TieredCache<Integer, String> memoryOnly = track(TieredCache.<Integer, String>builder("plain")
        .build());
    assertThat(memoryOnly.warmUp().isDone()).isTrue();
    assertThat(memoryOnly.warmUp().total()).isZero();
    assertThat(memoryOnly.warmUp().failure()).isEmpty();

    TieredCache<Integer, String> noSnapshot = open("empty-snapshot", 100);
    assertThat(noSnapshot.warmUp().isDone()).isTrue();
    assertThat(noSnapshot.warmUp().completion().toCompletableFuture()).isCompleted();
  }

  // ---------------------------------------------------------------- refilling at start

  @Test
  void aRestartRefillsMemoryWithTheHotKeysInTheBackgroundAndCountsNothing() {
    TieredCache<Integer, String> first = open("restart", 10);
    for (int i = 0; i < 100; i++) {
      first.put(i, "v" + i);
    }
    List<Integer> hot = List.of(3, 17, 42, 64, 99);
    for (int round = 0; round < 20; round++) {
      hot.forEach(first::get);
    }
    first.close();
    assertThat(tier.savedHotKeys).hasSize(10).containsAll(hot);

    TieredCache<Integer, String> second = open("restart", 10);
    WarmUp warmUp = second.warmUp();
    assertThat(warmUp.await(WAIT)).isTrue();
    assertThat(warmUp.total()).isEqualTo(10);
    assertThat(warmUp.loaded()).isEqualTo(10);
    assertThat(warmUp.failure()).isEmpty();
    assertThat(second.memoryTierSize()).isEqualTo(10);
    assertCountedNothing(second);
    for (int key : hot) {
      assertThat(servedFromMemory(second, key)).as("key %d", key).isTrue();
      assertThat(second.get(key)).isEqualTo("v" + key);
    }
    assertThat(second.statistics().lowerHits()).isZero();
  }

  @Test
  void readsDuringWarmUpAreServedFromBelowWithTheRightValues() throws Exception {
    List<Integer> keys = previousRun(20);
    tier.holdRead(0);
    TieredCache<Integer, String> cache = open("reads", 100);
    assertThat(tier.awaitHeldRead()).as("warm-up is reading the hottest key").isTrue();

    assertThat(cache.warmUp().isDone()).as("build did not wait for warm-up").isFalse();
    assertThat(cache.warmUp().loaded()).isZero();
    for (int key : keys.subList(1, 20)) {
      assertThat(cache.get(key)).as("key %d", key).isEqualTo("v" + key);
    }
    assertThat(cache.get(500)).isNull();
    cache.put(500, "written meanwhile");
    int readsSoFar = tier.reads.get();

    tier.releaseRead();
    assertThat(cache.warmUp().await(WAIT)).isTrue();
    assertThat(cache.warmUp().loaded()).isEqualTo(20);
    assertThat(tier.reads).as("keys the reads brought into memory are not read again")
        .hasValue(readsSoFar);
    for (int key : keys) {
      assertThat(servedFromMemory(cache, key)).as("key %d", key).isTrue();
      assertThat(cache.get(key)).isEqualTo("v" + key);
    }
    assertThat(cache.get(500)).isEqualTo("written meanwhile");
  }

  @Test
  void aWriteDuringWarmUpIsNeverOverwrittenByIt() throws Exception {
    previousRun(10);
    int held = 0;
    int replaced = 4;
    int removed = 5;
    int untouched = 6;
    // The writes below must not wait on the lock warm-up holds while its read is held.
    assertThat(List.of(replaced, removed, untouched)).allSatisfy(key ->
        assertThat(TieredCache.spread(key.hashCode()) & 255)
            .isNotEqualTo(TieredCache.spread(Integer.hashCode(held)) & 255));
    tier.holdRead(held);
    TieredCache<Integer, String> cache = open("no-overwrite", 100);
    assertThat(tier.awaitHeldRead()).isTrue();

    cache.put(replaced, "newer");
    assertThat(cache.remove(removed)).isTrue();
    CompletableFuture<Void> heldKeyWrite = CompletableFuture.runAsync(() -> cache.put(held, "mine"));
    tier.releaseRead();
    heldKeyWrite.get(10, TimeUnit.SECONDS);
    assertThat(cache.warmUp().await(WAIT)).isTrue();

    assertThat(cache.get(replaced)).isEqualTo("newer");
    assertThat(cache.get(removed)).as("a removal is not undone from the stale tier").isNull();
    assertThat(cache.get(held)).isEqualTo("mine");
    assertThat(cache.get(untouched)).isEqualTo("v" + untouched);
    cache.flush();
    assertThat(tier.stored(replaced).value()).isEqualTo("newer");
    assertThat(tier.stored(removed)).isNull();
    assertThat(tier.stored(held).value()).isEqualTo("mine");
  }

  @Test
  void warmUpStopsAtMemoryCapacityHottestFirst() {
    List<Integer> keys = previousRun(20);
    TieredCache<Integer, String> cache = open("capacity", 5);
    WarmUp warmUp = cache.warmUp();
    assertThat(warmUp.await(WAIT)).isTrue();

    assertThat(warmUp.total()).isEqualTo(20);
    assertThat(warmUp.loaded()).isEqualTo(5);
    assertThat(cache.statistics().memoryEvictions()).as("warm-up evicts nothing").isZero();
    assertThat(cache.memoryTierSize()).isEqualTo(5);
    for (int key : keys.subList(0, 5)) {
      assertThat(servedFromMemory(cache, key)).as("hot key %d", key).isTrue();
    }
  }

  @Test
  void aWeightBoundMemoryIsRefilledUpToItsWeight() {
    List<Integer> keys = previousRun(20);
    TieredCache<Integer, String> cache = track(builder("weighed", 0)
        .maximumWeight(10, (key, value) -> 2)
        .build());
    assertThat(cache.warmUp().await(WAIT)).isTrue();

    assertThat(cache.warmUp().loaded()).isEqualTo(5);
    assertThat(cache.memoryTierSize()).as("weighted size").isEqualTo(10);
    assertThat(cache.statistics().memoryEvictions()).isZero();
    for (int key : keys.subList(0, 5)) {
      assertThat(servedFromMemory(cache, key)).as("hot key %d", key).isTrue();
    }
    cache.close();
    assertThat(tier.savedHotKeys).containsExactlyInAnyOrderElementsOf(keys.subList(0, 5));
  }

  @Test
  void warmUpStopsWhenTheCacheClosesAndLeavesTheTierAlone() throws Exception {
    previousRun(20);
    tier.holdRead(0);
    TieredCache<Integer, String> cache = open("closing", 100);
    assertThat(tier.awaitHeldRead()).isTrue();
    cache.put(100, "last write");

    CompletableFuture<Void> closing = CompletableFuture.runAsync(cache::close);
    await().atMost(WAIT).until(cache::isClosed);
    tier.releaseRead();
    closing.get(10, TimeUnit.SECONDS);

    WarmUp warmUp = cache.warmUp();
    assertThat(warmUp.isDone()).isTrue();
    assertThat(warmUp.loaded()).as("only the key in hand").isEqualTo(1);
    assertThat(warmUp.failure()).as("closing is not a failure").isEmpty();
    assertThat(tier.reads).as("no hot key read after the close began").hasValue(1);
    assertThat(tier.readsAfterClose).hasValue(0);
    assertThat(tier.stored(100).value()).as("the final flush still ran").isEqualTo("last write");
    assertThat(logged).anySatisfy(record ->
        assertThat(record.getMessage()).contains("'closing'", "stopped"));
  }

  @Test
  void progressIsLoggedAtTheStartEveryTenthAndTheEnd() {
    previousRun(20);
    TieredCache<Integer, String> cache = open("logged", 100);
    assertThat(cache.warmUp().await(WAIT)).isTrue();
    // The end is logged after the handle completes.
    await().atMost(WAIT).until(() -> logged.stream()
        .anyMatch(record -> record.getMessage().contains("done")));

    List<String> messages = logged.stream().map(LogRecord::getMessage)
        .filter(message -> message.contains("'logged'")).toList();
    assertThat(messages.get(0)).contains("20 keys", "20 hot keys");
    assertThat(messages.subList(1, 10)).allSatisfy(m -> assertThat(m).contains("%"));
    assertThat(messages.get(1)).contains("10%", "2 of 20");
    assertThat(messages.get(9)).contains("90%", "18 of 20");
    assertThat(messages.get(10)).contains("done", "20 of 20");
    assertThat(messages).hasSize(11);
  }

  // ---------------------------------------------------------------- the warm-up loader

  /** A loader over a map, recording its batches; it can be made to wait inside a batch. */
  private static final class RecordingLoader implements WarmUpLoader<Integer, String> {
    final Map<Integer, String> source = new LinkedHashMap<>();
    final List<Set<Integer>> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch inBatch = new CountDownLatch(1);
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile RuntimeException failure;

    RecordingLoader(int count) {
      for (int i = 0; i < count; i++) {
        source.put(i, "loaded" + i);
      }
    }

    @Override public Set<Integer> keys() {
      return Collections.unmodifiableSet(new LinkedHashSet<>(source.keySet()));
    }

    @Override public Map<Integer, String> loadAll(Set<? extends Integer> batch) {
      batches.add(Set.copyOf(batch));
      Map<Integer, String> found = new LinkedHashMap<>();
      batch.forEach(key -> found.put(key, source.get(key)));   // read "before" any later write
      inBatch.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) {
        throw failure;
      }
      found.values().removeIf(java.util.Objects::isNull);
      return found;
    }
  }

  @Test
  void theLoaderPreloadsInBatchesAfterTheHotKeysAndCountsNothing() throws Exception {
    tier.preload(1, "v1 on disk", ETERNAL);
    tier.savedHotKeys = List.of(1);
    RecordingLoader loader = new RecordingLoader(10);
    loader.gate = new CountDownLatch(1);
    List<CacheEvent<Integer, String>> events = new CopyOnWriteArrayList<>();
    TieredCache<Integer, String> cache = track(builder("loader", 100)
        .warmUpLoader(loader)
        .warmUpBatchSize(4)
        .build());
    assertThat(loader.inBatch.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(servedFromMemory(cache, 1)).as("the hot keys come first").isTrue();
    cache.clearStatistics();
    cache.registerListener(events::add, true);
    loader.gate.countDown();
    WarmUp warmUp = cache.warmUp();
    assertThat(warmUp.await(WAIT)).isTrue();

    assertThat(warmUp.total()).as("1 hot key + 10 loader keys").isEqualTo(11);
    assertThat(warmUp.loaded()).isEqualTo(11);
    assertThat(loader.batches).containsExactly(Set.of(0, 1, 2, 3), Set.of(4, 5, 6, 7),
        Set.of(8, 9));
    assertCountedNothing(cache);
    assertThat(cache.get(1)).as("a value already in the cache is not replaced")
        .isEqualTo("v1 on disk");
    for (int i = 0; i < 10; i++) {
      if (i != 1) {
        assertThat(servedFromMemory(cache, i)).isTrue();
        assertThat(cache.get(i)).isEqualTo("loaded" + i);
      }
    }
    assertThat(events).as("listeners see loaded values as created")
        .allSatisfy(event -> assertThat(event.type()).isEqualTo(EventType.CREATED))
        .extracting(CacheEvent::key).containsExactly(0, 2, 3, 4, 5, 6, 7, 8, 9);
    cache.flush();
    assertThat(tier.stored(9).value()).as("loaded values go below like any write")
        .isEqualTo("loaded9");
  }

  @Test
  void theLoaderNeverOverwritesAWriteMadeWhileItLoads() throws Exception {
    RecordingLoader loader = new RecordingLoader(4);
    loader.gate = new CountDownLatch(1);
    TieredCache<Integer, String> cache = track(builder("loader-race", 100)
        .warmUpLoader(loader)
        .build());
    assertThat(loader.inBatch.await(10, TimeUnit.SECONDS)).isTrue();

    cache.put(0, "written meanwhile");
    assertThat(cache.remove(1)).as("1 was absent; its removal still counts").isFalse();
    cache.put(2, "briefly");
    cache.remove(2);
    loader.gate.countDown();
    assertThat(cache.warmUp().await(WAIT)).isTrue();

    assertThat(cache.get(0)).isEqualTo("written meanwhile");
    assertThat(cache.get(1)).as("a loaded value read before the removal stays out").isNull();
    assertThat(cache.get(2)).isNull();
    assertThat(cache.get(3)).isEqualTo("loaded3");
    assertThat(cache.warmUp().loaded()).isEqualTo(4);
  }

  @Test
  void aLoaderFailureIsLoggedAndReportedAndTheCacheStillWorks() {
    previousRun(3);
    RecordingLoader loader = new RecordingLoader(10);
    loader.failure = new IllegalStateException("the database is down");
    TieredCache<Integer, String> cache = track(builder("failing-loader", 100)
        .warmUpLoader(loader)
        .warmUpBatchSize(4)
        .build());
    WarmUp warmUp = cache.warmUp();
    assertThat(warmUp.await(WAIT)).isTrue();

    assertThat(warmUp.failure()).containsSame(loader.failure);
    assertThat(loader.batches).as("not retried").hasSize(1);
    assertThat(warmUp.loaded()).as("the hot keys were refilled").isEqualTo(3);
    assertThat(cache.memoryTierSize()).isEqualTo(3);
    assertThat(logged).anySatisfy(record -> {
      assertThat(record.getLevel()).isEqualTo(Level.WARNING);
      assertThat(record.getMessage()).contains("'failing-loader'");
      assertThat(record.getThrown()).isSameAs(loader.failure);
    });
    cache.put(50, "works");
    assertThat(cache.get(50)).isEqualTo("works");
    assertThat(cache.get(5)).isNull();
  }

  @Test
  void aLoaderThatCannotNameItsKeysIsReportedToo() {
    IllegalStateException down = new IllegalStateException("cannot list keys");
    TieredCache<Integer, String> cache = track(builder("keys-fail", 100)
        .warmUpLoader(new WarmUpLoader<>() {
          @Override public Set<Integer> keys() {
            throw down;
          }

          @Override public Map<Integer, String> loadAll(Set<? extends Integer> batch) {
            throw new AssertionError("never called");
          }
        })
        .build());
    assertThat(cache.warmUp().await(WAIT)).isTrue();
    assertThat(cache.warmUp().failure()).containsSame(down);
    assertThat(cache.warmUp().total()).isZero();
    cache.put(1, "works");
    assertThat(cache.get(1)).isEqualTo("works");
  }

  @Test
  void withoutALowerTierTheLoaderStopsWhenMemoryIsFull() {
    RecordingLoader loader = new RecordingLoader(20);
    TieredCache<Integer, String> cache = track(TieredCache.<Integer, String>builder("memory-only")
        .maximumSize(5)
        .statisticsEnabled(true)
        .warmUpLoader(loader)
        .warmUpBatchSize(4)
        .build());
    WarmUp warmUp = cache.warmUp();
    assertThat(warmUp.await(WAIT)).isTrue();

    assertThat(warmUp.total()).isEqualTo(20);
    assertThat(warmUp.loaded()).isEqualTo(5);
    assertThat(loader.batches).hasSize(2);
    assertThat(cache.memoryTierSize()).isEqualTo(5);
    assertThat(cache.statistics().evictions()).as("nothing loaded was thrown away").isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(cache.get(i)).isEqualTo("loaded" + i);
    }
  }
}
