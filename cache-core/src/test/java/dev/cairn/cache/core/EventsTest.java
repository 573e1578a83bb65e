package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Events: which kind each operation fires, with which old and new values, when listeners see them,
 * and in which order.
 */
class EventsTest {

  private static final String NAME = "events";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<ExecutorService> executors = new ArrayList<>();

  @AfterEach
  void shutDownExecutors() throws InterruptedException {
    for (ExecutorService executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  // ---------------------------------------------------------------- kinds and values

  @Test
  void putOnAbsentKeyFiresCreatedWithNewValueOnly() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder recorder = listenSynchronously(cache);

      cache.put("k", "v1");

      assertThat(recorder.seen()).containsExactly(created("k", "v1"));
    }
  }

  @Test
  void putOnPresentKeyFiresUpdatedWithOldAndNewValue() {
    try (TieredCache<String, String> cache = memoryCache()) {
      cache.put("k", "v1");
      Recorder recorder = listenSynchronously(cache);

      cache.put("k", "v2");
      cache.getAndPut("k", "v3");

      assertThat(recorder.seen()).containsExactly(updated("k", "v1", "v2"), updated("k", "v2", "v3"));
    }
  }

  @Test
  void removeFiresRemovedWithOldValueAndNoNewValue() {
    try (TieredCache<String, String> cache = memoryCache()) {
      cache.put("a", "va");
      cache.put("b", "vb");
      cache.put("c", "vc");
      Recorder recorder = listenSynchronously(cache);

      assertThat(cache.remove("a")).isTrue();
      assertThat(cache.remove("b", "vb")).isTrue();
      assertThat(cache.getAndRemove("c")).isEqualTo("vc");

      assertThat(recorder.seen()).containsExactly(
          removed("a", "va"), removed("b", "vb"), removed("c", "vc"));
      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("c")).isNull();
    }
  }

  @Test
  void putIfAbsentOnAbsentKeyFiresCreated() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder recorder = listenSynchronously(cache);

      assertThat(cache.putIfAbsent("k", "v1")).isTrue();

      assertThat(recorder.seen()).containsExactly(created("k", "v1"));
    }
  }

  @Test
  void replaceFiresUpdatedWithOldAndNewValue() {
    try (TieredCache<String, String> cache = memoryCache()) {
      cache.put("k", "v1");
      Recorder recorder = listenSynchronously(cache);

      assertThat(cache.replace("k", "v2")).isTrue();
      assertThat(cache.replace("k", "v2", "v3")).isTrue();
      assertThat(cache.getAndReplace("k", "v4")).isEqualTo("v3");

      assertThat(recorder.seen()).containsExactly(
          updated("k", "v1", "v2"), updated("k", "v2", "v3"), updated("k", "v3", "v4"));
    }
  }

  @Test
  void invokeSetValueFiresCreatedOnAbsentAndUpdatedOnPresentKey() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder recorder = listenSynchronously(cache);

      cache.invoke("k", entry -> {
        entry.setValue("v1");
        return null;
      });
      cache.invoke("k", entry -> {
        entry.setValue(entry.getValue() + "+");
        return null;
      });

      assertThat(recorder.seen()).containsExactly(created("k", "v1"), updated("k", "v1", "v1+"));
      assertThat(cache.get("k")).isEqualTo("v1+");
    }
  }

  @Test
  void invokeRemoveFiresRemovedOnlyIfThereWasAValue() {
    try (TieredCache<String, String> cache = memoryCache()) {
      cache.put("k", "v1");
      Recorder recorder = listenSynchronously(cache);

      cache.invoke("k", entry -> {
        entry.remove();
        return null;
      });
      cache.invoke("absent", entry -> {
        entry.remove();
        return null;
      });

      assertThat(recorder.seen()).containsExactly(removed("k", "v1"));
    }
  }

  @Test
  void invokeThatOnlyReadsOrThrowsFiresNothing() {
    try (TieredCache<String, String> cache = memoryCache()) {
      cache.put("k", "v1");
      Recorder recorder = listenSynchronously(cache);
      IllegalStateException failure = new IllegalStateException("processor failed");

      String read = cache.invoke("k", MutableEntry::getValue);
      assertThat(read).isEqualTo("v1");
      assertThatThrownBy(() -> cache.invoke("k", entry -> {
        entry.setValue("v2");
        throw failure;
      })).isSameAs(failure);

      cache.put("k", "fence");
      assertThat(recorder.seen()).containsExactly(updated("k", "v1", "fence"));
    }
  }

  @Test
  void computeFiresCreatedThenUpdatedThenRemoved() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder recorder = listenSynchronously(cache);

      cache.compute("k", (key, old) -> old == null ? "v1" : old + "!");
      cache.compute("k", (key, old) -> old == null ? "v1" : old + "!");
      cache.compute("k", (key, old) -> null);

      assertThat(recorder.seen()).containsExactly(
          created("k", "v1"), updated("k", "v1", "v1!"), removed("k", "v1!"));
    }
  }

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void expiryDiscoveredOnReadFiresExpiredWithOldValue(boolean tiered) {
    ManualClock clock = new ManualClock();
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder(NAME)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(1)));
    if (tiered) {
      builder.lowerTier(new MapLowerTier<>());
    }
    try (TieredCache<String, String> cache = builder.build()) {
      cache.put("k", "v1");
      Recorder recorder = listenSynchronously(cache);

      clock.advance(Duration.ofSeconds(59));
      assertThat(cache.get("k")).isEqualTo("v1");
      assertThat(recorder.seen()).isEmpty();

      clock.advance(Duration.ofSeconds(1));
      assertThat(cache.get("k")).isNull();
      assertThat(recorder.seen()).containsExactly(expired("k", "v1"));

      assertThat(cache.get("k")).isNull();
      assertThat(recorder.seen()).as("an expired entry expires once").containsExactly(
          expired("k", "v1"));
    }
  }

  @Test
  void putOverAnExpiredEntryFiresExpiredThenCreated() {
    ManualClock clock = new ManualClock();
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(1)))
        .build()) {
      cache.put("k", "v1");
      Recorder recorder = listenSynchronously(cache);
      clock.advance(Duration.ofMinutes(2));

      cache.put("k", "v2");

      assertThat(recorder.seen()).containsExactly(expired("k", "v1"), created("k", "v2"));
    }
  }

  @Test
  void sizeEvictionOfMemoryOnlyCacheFiresEvictedWithTheEvictedValue() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .maximumSize(3)
        .build()) {
      Recorder recorder = listenSynchronously(cache);
      int keys = 20;
      for (int i = 0; i < keys; i++) {
        cache.put("k" + i, "v" + i);
      }
      long kept = cache.memoryTierSize();
      assertThat(kept).isEqualTo(3);

      // Eviction events are not awaited by the operation that caused them: wait for them.
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(evictedOf(recorder.seen()))
          .hasSize((int) (keys - kept)));
      for (Seen event : evictedOf(recorder.seen())) {
        assertThat(event.newValue()).isNull();
        assertThat(event.oldValue()).isEqualTo("v" + event.key().substring(1));
        assertThat(cache.containsKey(event.key())).as("evicted %s", event.key()).isFalse();
      }
      assertThat(recorder.seen()).filteredOn(e -> e.type() == EventType.CREATED).hasSize(keys);
    }
  }

  @Test
  void memoryEvictionOverALowerTierIsNotAnEvictedEvent() {
    MapLowerTier<String, String> tier = new MapLowerTier<>();
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .maximumSize(3)
        .lowerTier(tier)
        .statisticsEnabled(true)
        .build()) {
      Recorder recorder = listenSynchronously(cache);
      int keys = 20;
      for (int i = 0; i < keys; i++) {
        cache.put("k" + i, "v" + i);
      }
      for (int i = 0; i < keys; i++) {
        assertThat(cache.get("k" + i)).as("nothing left the cache").isEqualTo("v" + i);
      }
      assertThat(cache.statistics().memoryEvictions()).as("the memory tier did evict")
          .isGreaterThanOrEqualTo(keys - 3);

      // Fence: a synchronous REMOVED of each key arrives after every earlier event of that key.
      for (int i = 0; i < keys; i++) {
        cache.remove("k" + i);
      }
      List<Seen> seen = recorder.seen();
      assertThat(seen).extracting(Seen::type).doesNotContain(EventType.EVICTED);
      assertThat(seen).filteredOn(e -> e.type() == EventType.CREATED).hasSize(keys);
      assertThat(seen).filteredOn(e -> e.type() == EventType.REMOVED).hasSize(keys);
      assertThat(seen).hasSize(2 * keys);
    }
  }

  @Test
  void operationsThatChangeNothingFireNothing() {
    try (TieredCache<String, String> cache = memoryCache()) {
      cache.put("present", "v1");
      Recorder recorder = listenSynchronously(cache);

      assertThat(cache.putIfAbsent("present", "v2")).isFalse();
      assertThat(cache.replace("absent", "v2")).isFalse();
      assertThat(cache.replace("absent", "v1", "v2")).isFalse();
      assertThat(cache.replace("present", "wrong", "v2")).isFalse();
      assertThat(cache.getAndReplace("absent", "v2")).isNull();
      assertThat(cache.remove("absent")).isFalse();
      assertThat(cache.remove("present", "wrong")).isFalse();
      assertThat(cache.getAndRemove("absent")).isNull();
      assertThat(cache.get("present")).isEqualTo("v1");
      assertThat(cache.containsKey("absent")).isFalse();
      cache.compute("absent", (key, old) -> null);
      assertThat(recorder.seen()).isEmpty();

      cache.clear();
      // Fence: clear awaits no listener, so look for its events behind a later synchronous one.
      cache.put("present", "fence");
      cache.put("absent", "fence");
      assertThat(recorder.seen()).containsExactly(created("present", "fence"),
          created("absent", "fence"));
    }
  }

  // ---------------------------------------------------------------- delivery

  @Test
  void synchronousListenerHasTheEventsBeforeTheOperationReturns() {
    ExecutorService deliverer = track(Executors.newSingleThreadExecutor());
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder(NAME)
        .eventExecutor(deliverer)
        .build()) {
      Recorder recorder = listenSynchronously(cache);
      for (int i = 0; i < 200; i++) {
        String key = "k" + (i % 7);
        cache.put(key, "v" + i);
        assertThat(recorder.seen()).as("after put #%d", i).hasSize(2 * i + 1);
        cache.remove(key);
        assertThat(recorder.seen()).as("after remove #%d", i).hasSize(2 * i + 2)
            .endsWith(removed(key, "v" + i));
      }
    }
  }

  @Test
  void asynchronousListenerReceivesTheEventsEventually() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder recorder = new Recorder();
      cache.registerListener(recorder, false);

      cache.put("k", "v1");
      cache.put("k", "v2");
      cache.remove("k");

      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(recorder.seen()).containsExactly(
          created("k", "v1"), updated("k", "v1", "v2"), removed("k", "v2")));
    }
  }

  @Test
  void throwingSynchronousListenerFailsTheOperationAfterTheChangeTookEffect() {
    try (TieredCache<String, String> cache = memoryCache()) {
      IllegalStateException failure = new IllegalStateException("listener failed");
      ListenerRegistration registration = cache.registerListener(event -> {
        throw failure;
      }, true);

      assertThatThrownBy(() -> cache.put("k", "v1")).isSameAs(failure);
      assertThat(cache.get("k")).isEqualTo("v1");
      assertThatThrownBy(() -> cache.remove("k")).isSameAs(failure);
      assertThat(cache.get("k")).isNull();

      registration.cancel();
      cache.put("k", "v2");
      assertThat(cache.get("k")).isEqualTo("v2");
    }
  }

  @Test
  void checkedExceptionOfSynchronousListenerIsWrappedNamingTheCache() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Exception failure = new Exception("checked failure");
      cache.registerListener(event -> EventsTest.<RuntimeException>sneakyThrow(failure), true);

      assertThatThrownBy(() -> cache.put("k", "v1"))
          .isInstanceOf(CacheListenerException.class)
          .hasMessageContaining(NAME)
          .hasCause(failure);
      assertThat(cache.get("k")).isEqualTo("v1");
    }
  }

  @Test
  void listenerRegisteredForCreatedReceivesNoOtherKind() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder createdOnly = new Recorder();
      cache.registerListener(createdOnly, EnumSet.of(EventType.CREATED), true);
      Recorder all = listenSynchronously(cache);

      cache.put("k", "v1");
      cache.put("k", "v2");
      cache.remove("k");
      cache.put("k", "v3");

      assertThat(createdOnly.seen()).containsExactly(created("k", "v1"), created("k", "v3"));
      assertThat(all.seen()).hasSize(4);
    }
  }

  @Test
  void cancelledRegistrationStopsDeliveries() {
    try (TieredCache<String, String> cache = memoryCache()) {
      Recorder cancelled = new Recorder();
      ListenerRegistration registration = cache.registerListener(cancelled, true);
      Recorder kept = listenSynchronously(cache);

      cache.put("k", "v1");
      registration.cancel();
      cache.put("k", "v2");
      cache.remove("k");

      assertThat(cancelled.seen()).containsExactly(created("k", "v1"));
      assertThat(kept.seen()).containsExactly(
          created("k", "v1"), updated("k", "v1", "v2"), removed("k", "v2"));
    }
  }

  // ---------------------------------------------------------------- order under concurrency

  @ParameterizedTest(name = "with lower tier: {0}")
  @ValueSource(booleans = {false, true})
  void eventsOfOneKeyReplayToItsFinalValueUnderConcurrentWriters(boolean tiered)
      throws Exception {
    ExecutorService deliverers = track(Executors.newFixedThreadPool(4));
    int threads = 4;
    int operationsPerThread = 3_000;
    List<String> keys = List.of("a", "b", "c", "d");
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder(NAME)
        .eventExecutor(deliverers);
    if (tiered) {
      builder.lowerTier(new MapLowerTier<>()).maximumSize(2);
    }
    try (TieredCache<String, String> cache = builder.build()) {
      Map<String, List<Seen>> byKey = new ConcurrentHashMap<>();
      AtomicLong delivered = new AtomicLong();
      cache.registerListener(event -> {
        byKey.computeIfAbsent(event.key(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(Seen.of(event));
        delivered.incrementAndGet();
      }, false);

      ExecutorService writers = track(Executors.newFixedThreadPool(threads));
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> fired = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        fired.add(writers.submit(() -> {
          Random random = new Random(42 + thread);
          long events = 0;
          start.await();
          for (int i = 0; i < operationsPerThread; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            String value = "t" + thread + "-" + i; // unique, so a stale old value shows
            switch (random.nextInt(3)) {
              case 0 -> {
                cache.put(key, value);
                events++;
              }
              case 1 -> events += cache.remove(key) ? 1 : 0;
              default -> events += cache.putIfAbsent(key, value) ? 1 : 0;
            }
          }
          return events;
        }));
      }
      start.countDown();
      long expected = 0;
      for (Future<Long> future : fired) {
        expected += future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }

      long total = expected;
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(delivered.get()).isEqualTo(total));
      for (String key : keys) {
        List<Seen> events = List.copyOf(byKey.getOrDefault(key, List.of()));
        assertThat(replay(key, events)).as("replayed value of %s", key).isEqualTo(cache.get(key));
      }
    }
  }

  /** Replays one key's events from an absent start, checking each against the state before it. */
  private static String replay(String key, List<Seen> events) {
    String state = null;
    for (int i = 0; i < events.size(); i++) {
      Seen event = events.get(i);
      String where = "event #" + i + " of " + key + ": " + event;
      switch (event.type()) {
        case CREATED -> {
          assertThat(state).as(where + " needs an absent key").isNull();
          assertThat(event.oldValue()).as(where).isNull();
          assertThat(event.newValue()).as(where).isNotNull();
          state = event.newValue();
        }
        case UPDATED -> {
          assertThat(state).as(where + " needs a present key").isNotNull();
          assertThat(event.oldValue()).as(where + " old value").isEqualTo(state);
          assertThat(event.newValue()).as(where).isNotNull();
          state = event.newValue();
        }
        case REMOVED -> {
          assertThat(state).as(where + " needs a present key").isNotNull();
          assertThat(event.oldValue()).as(where + " old value").isEqualTo(state);
          assertThat(event.newValue()).as(where).isNull();
          state = null;
        }
        default -> throw new AssertionError("unexpected " + where);
      }
    }
    return state;
  }

  // ---------------------------------------------------------------- helpers

  private static TieredCache<String, String> memoryCache() {
    return TieredCache.<String, String>builder(NAME).build();
  }

  private static Recorder listenSynchronously(TieredCache<String, String> cache) {
    Recorder recorder = new Recorder();
    cache.registerListener(recorder, true);
    return recorder;
  }

  private <E extends ExecutorService> E track(E executor) {
    executors.add(executor);
    return executor;
  }

  private static List<Seen> evictedOf(List<Seen> events) {
    return events.stream().filter(e -> e.type() == EventType.EVICTED).toList();
  }

  private static Seen created(String key, String value) {
    return new Seen(EventType.CREATED, NAME, key, null, value);
  }

  private static Seen updated(String key, String oldValue, String newValue) {
    return new Seen(EventType.UPDATED, NAME, key, oldValue, newValue);
  }

  private static Seen removed(String key, String oldValue) {
    return new Seen(EventType.REMOVED, NAME, key, oldValue, null);
  }

  private static Seen expired(String key, String oldValue) {
    return new Seen(EventType.EXPIRED, NAME, key, oldValue, null);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable failure) throws T {
    throw (T) failure;
  }

  /** An event as plain data, so that a failed assertion prints its values. */
  record Seen(EventType type, String cacheName, String key, String oldValue, String newValue) {
    static Seen of(CacheEvent<String, String> event) {
      return new Seen(event.type(), event.cacheName(), event.key(), event.oldValue(),
          event.newValue());
    }
  }

  /** Records every event it receives, in the order received. */
  static final class Recorder implements CacheEventListener<String, String> {
    private final List<Seen> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(CacheEvent<String, String> event) {
      events.add(Seen.of(event));
    }

    List<Seen> seen() {
      return List.copyOf(events);
    }
  }
}
