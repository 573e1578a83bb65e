package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Invariant "One load per key" (docs/design.md): concurrent readers that miss one key run the
 * loader once and share its value or its failure; a slow loader stalls no other key; a write made
 * while the load runs wins over the loaded value.
 *
 * <p>Concurrency is arranged, not hoped for: each loader waits on a latch that the test opens only
 * once every reader thread is parked (waiting for the load or inside it), so all readers really
 * missed while the load was in flight.
 */
class OneLoadPerKeyTest {

  private final ParkedThreads threads = new ParkedThreads();

  @AfterEach
  void stopThreads() {
    threads.close();
  }

  private static TieredCache<String, String> memoryOnly(String name) {
    return TieredCache.<String, String>builder(name).maximumSize(1_000).statisticsEnabled(true)
        .build();
  }



  @Test
  void eightReadersOfTwentyMissingKeysLoadEachKeyOnce() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("stampede")) {
      Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
      CountDownLatch go = new CountDownLatch(1);
      Function<String, String> loader = key -> {
        loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        await(go);
        return "loaded " + key;
      };
      List<Future<String>> results = new ArrayList<>();
      for (int key = 0; key < 20; key++) {
        for (int thread = 0; thread < 8; thread++) {
          String k = "k" + key;
          results.add(threads.submit(() -> cache.get(k, loader)));
        }
      }
      threads.awaitParked(160);
      go.countDown();
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("loaded k" + i / 8);
      }
      assertThat(loads).hasSize(20);
      assertThat(loads.values()).allSatisfy(count -> assertThat(count).hasValue(1));
      assertThat(cache.get("k3")).as("the loaded value was stored").isEqualTo("loaded k3");
      assertThat(cache.statistics().puts()).as("each load stored once").isEqualTo(20);
    }
  }

  @Test
  void aFailingLoadFailsEveryWaiterWithItsExceptionAndIsNotRemembered() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("failing")) {
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      IllegalStateException down = new IllegalStateException("the database is down");
      Function<String, String> failing = key -> {
        calls.incrementAndGet();
        await(go);
        throw down;
      };
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(threads.submit(() -> cache.get("k", failing)));
      }
      threads.awaitParked(4);
      go.countDown();
      for (Future<String> result : results) {
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCause(down);
      }
      assertThat(calls).hasValue(1);
      assertThat(cache.containsKey("k")).isFalse();
      assertThat(cache.get("k", key -> "back")).as("a failure is not cached").isEqualTo("back");
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void aBlockedLoaderStallsNoOtherKeyEvenOnItsLockStripe() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("blocked")) {
      String slow = "slow";
      String neighbour = keyOnTheSameStripeAs(slow);
      CountDownLatch release = new CountDownLatch(1);
      Future<String> blocked = threads.submit(() -> cache.get(slow, key -> {
        await(release);
        return "late";
      }));
      threads.awaitParked(1);
      Future<String> other = threads.submit(() -> {
        cache.put(neighbour + "-put", "p");
        return cache.get(neighbour, key -> "quick");
      });
      assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("quick");
      assertThat(blocked).isNotDone();
      release.countDown();
      assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo("late");
    }
  }

  @Test
  void aPutWhileTheLoadRunsWinsAndEveryReaderGetsThePutValue() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("put-wins")) {
      CountDownLatch go = new CountDownLatch(1);
      Function<String, String> stale = key -> {
        await(go);
        return "stale from the database";
      };
      Future<String> first = threads.submit(() -> cache.get("k", stale));
      Future<String> second = threads.submit(() -> cache.get("k", stale));
      threads.awaitParked(2);
      cache.put("k", "written");
      go.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("written");
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("written");
      assertThat(cache.get("k")).isEqualTo("written");
    }
  }

  @Test
  void aRemoveWhileTheLoadRunsWinsEvenThoughTheKeyWasAbsent() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("remove-wins")) {
      CountDownLatch go = new CountDownLatch(1);
      Future<String> reading = threads.submit(() -> cache.get("k", key -> {
        await(go);
        return "read before the invalidation";
      }));
      threads.awaitParked(1);
      assertThat(cache.remove("k")).isFalse();
      go.countDown();
      assertThat(reading.get(10, TimeUnit.SECONDS)).isNull();
      assertThat(cache.get("k")).as("the stale load was not stored").isNull();
    }
  }

  @Test
  void getAllLoadsOnlyTheMissingKeysEachOnceInOneCall() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("bulk")) {
      cache.put("a", "cached a");
      Set<String> keys = new LinkedHashSet<>(List.of("a", "b", "c", "d"));
      Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      Function<Set<String>, Map<String, String>> loader = missing -> {
        calls.incrementAndGet();
        missing.forEach(key -> loads.computeIfAbsent(key, k -> new AtomicInteger())
            .incrementAndGet());
        await(go);
        Map<String, String> loaded = new HashMap<>();
        missing.stream().filter(key -> !key.equals("d")).forEach(key -> loaded.put(key, "l" + key));
        return loaded;
      };
      List<Future<Map<String, String>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(threads.submit(() -> cache.getAll(keys, loader)));
      }
      threads.awaitParked(4);
      go.countDown();
      for (Future<Map<String, String>> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).containsExactly(
            Map.entry("a", "cached a"), Map.entry("b", "lb"), Map.entry("c", "lc"));
      }
      assertThat(loads.keySet()).as("only the missing keys are loaded")
          .containsExactlyInAnyOrder("b", "c", "d");
      assertThat(loads.values()).allSatisfy(count -> assertThat(count).hasValue(1));
      // A second getAll finds b and c stored; only d, which the loader did not return, is asked.
      calls.set(0);
      assertThat(cache.getAll(keys, missing -> {
        assertThat(missing).containsExactly("d");
        calls.incrementAndGet();
        return Map.of();
      })).containsOnlyKeys("a", "b", "c");
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void anEntryProcessorThatReadsThroughWaitsForTheLoadInFlight() throws Exception {
    try (TieredCache<String, String> cache = memoryOnly("processor")) {
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      Function<String, String> loader = key -> {
        calls.incrementAndGet();
        await(go);
        return "loaded";
      };
      Future<String> reading = threads.submit(() -> cache.get("k", loader));
      threads.awaitParked(1);
      Future<String> processing = threads.submit(() -> cache.invoke("k", entry -> {
        String value = entry.load(loader);
        entry.setValue(value + " and processed");
        return value;
      }));
      threads.awaitParked(2);
      go.countDown();
      assertThat(processing.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
      assertThat(reading.get(10, TimeUnit.SECONDS)).as("the processor's write won")
          .isEqualTo("loaded and processed");
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void loadsOverALowerTierAreStoredBelowToo() {
    MapLowerTier<String, String> tier = new MapLowerTier<>();
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder("below")
        .maximumSize(10).segments(1).lowerTier(tier).build()) {
      tier.preload("on-disk", "from below", MemoryEntry.ETERNAL);
      AtomicInteger calls = new AtomicInteger();
      assertThat(cache.get("on-disk", key -> "from the loader " + calls.incrementAndGet()))
          .as("a key held below is not loaded").isEqualTo("from below");
      assertThat(cache.get("new", key -> "loaded")).isEqualTo("loaded");
      cache.flush();
      assertThat(tier.read(0, "new")).isNotNull();
      assertThat(calls).hasValue(0);
    }
  }

  private static String keyOnTheSameStripeAs(String key) {
    int stripe = TieredCache.spread(key.hashCode()) & 255;
    for (int i = 0; ; i++) {
      String candidate = "n" + i;
      if ((TieredCache.spread(candidate.hashCode()) & 255) == stripe) {
        return candidate;
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the loader");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
