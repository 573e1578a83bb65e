package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.ParkedThreads;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Invariant "One load per key" (docs/design.md) through the JCache API: the case (eight
 * threads reading twenty missing keys of a read-through cache: Caffeine's JCache, Ehcache 3 and
 * cache2k load twenty times, Cairn used to load 160 times), a loader failure reaching every waiter
 * as a {@link CacheLoaderException}, {@code getAll} loading only the missing keys once, and an entry
 * processor reading through while a {@code get} loads the same key.
 *
 * <p>Every loader waits on a latch that opens only once all reader threads are parked, so every
 * reader really missed while the load was in flight.
 */
class OneLoadPerKeyTest {

  /** Per test: loads per key, the latch the loader waits on, and how many loadAll calls ran. */
  static final Map<String, Map<Object, AtomicInteger>> LOADS = new ConcurrentHashMap<>();
  static final Map<String, CountDownLatch> GO = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> LOAD_ALLS = new ConcurrentHashMap<>();

  private final String name = "one-load-" + System.nanoTime();
  private final ParkedThreads threads = new ParkedThreads();
  private CacheManager manager;

  /** Counts each load, waits for the test's go, then returns "loaded k" or fails for "bad". */
  record CountingLoader(String test) implements CacheLoader<String, String>, Serializable {
    @Override
    public String load(String key) {
      LOADS.get(test).computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      awaitGo(test);
      if (key.startsWith("bad")) {
        throw new IllegalStateException("the database is down");
      }
      return "loaded " + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      LOAD_ALLS.get(test).incrementAndGet();
      Map<String, String> loaded = new HashMap<>();
      for (String key : keys) {
        LOADS.get(test).computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        loaded.put(key, "loaded " + key);
      }
      awaitGo(test);
      return loaded;
    }
  }

  private static void awaitGo(String test) {
    try {
      if (!GO.get(test).await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never let the loader go");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Cache<String, String> readThroughCache() {
    LOADS.put(name, new ConcurrentHashMap<>());
    GO.put(name, new CountDownLatch(1));
    LOAD_ALLS.put(name, new AtomicInteger());
    manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create(name), getClass().getClassLoader());
    return manager.createCache("loaded", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setReadThrough(true)
        .setCacheLoaderFactory(FactoryBuilder.factoryOf(new CountingLoader(name)))
        .setStatisticsEnabled(true));
  }

  @AfterEach
  void tearDown() {
    if (GO.containsKey(name)) {
      GO.get(name).countDown();
    }
    threads.close();
    if (manager != null) {
      manager.close();
    }
    LOADS.remove(name);
    GO.remove(name);
    LOAD_ALLS.remove(name);
  }



  @Test
  void eightThreadsReadingTwentyMissingKeysLoadTwentyTimes() throws Exception {
    Cache<String, String> cache = readThroughCache();
    List<Future<String>> results = new ArrayList<>();
    for (int key = 0; key < 20; key++) {
      for (int thread = 0; thread < 8; thread++) {
        String k = "k" + key;
        results.add(threads.submit(() -> cache.get(k)));
      }
    }
    threads.awaitParked(160);
    GO.get(name).countDown();
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("loaded k" + i / 8);
    }
    Map<Object, AtomicInteger> loads = LOADS.get(name);
    assertThat(loads).hasSize(20);
    assertThat(loads.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(cache.get("k7")).isEqualTo("loaded k7");
    assertThat(loads.get("k7")).as("the value was stored, not loaded again").hasValue(1);
  }

  @Test
  void aFailingLoadFailsEveryWaiterWithACacheLoaderException() throws Exception {
    Cache<String, String> cache = readThroughCache();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(threads.submit(() -> cache.get("bad")));
    }
    threads.awaitParked(4);
    GO.get(name).countDown();
    for (Future<String> result : results) {
      assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(CacheLoaderException.class)
          .hasRootCauseMessage("the database is down");
    }
    assertThat(LOADS.get(name).get("bad")).hasValue(1);
    assertThat(cache.containsKey("bad")).isFalse();
  }

  @Test
  void getAllLoadsOnlyTheMissingKeysOnceAcrossConcurrentCallers() throws Exception {
    Cache<String, String> cache = readThroughCache();
    cache.put("a", "cached a");
    Set<String> keys = new LinkedHashSet<>(List.of("a", "b", "c"));
    List<Future<Map<String, String>>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(threads.submit(() -> cache.getAll(keys)));
    }
    threads.awaitParked(4);
    GO.get(name).countDown();
    for (Future<Map<String, String>> result : results) {
      assertThat(result.get(10, TimeUnit.SECONDS)).containsOnly(Map.entry("a", "cached a"),
          Map.entry("b", "loaded b"), Map.entry("c", "loaded c"));
    }
    assertThat(LOADS.get(name).keySet()).containsExactlyInAnyOrder("b", "c");
    assertThat(LOADS.get(name).values()).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(LOAD_ALLS.get(name)).as("one loadAll call").hasValue(1);
  }

  @Test
  void anEntryProcessorReadingThroughWaitsForTheGetsLoad() throws Exception {
    Cache<String, String> cache = readThroughCache();
    Future<String> reading = threads.submit(() -> cache.get("k"));
    threads.awaitParked(1);
    Future<String> processing = threads.submit(() -> cache.invoke("k", (entry, arguments) -> {
      String value = entry.getValue();
      entry.setValue(value + ", processed");
      return value;
    }));
    threads.awaitParked(2);
    GO.get(name).countDown();
    assertThat(processing.get(10, TimeUnit.SECONDS)).isEqualTo("loaded k");
    assertThat(reading.get(10, TimeUnit.SECONDS)).isEqualTo("loaded k, processed");
    assertThat(LOADS.get(name).get("k")).hasValue(1);
    assertThat(cache.get("k")).isEqualTo("loaded k, processed");
  }

  @Test
  void aFailingLoadInsideAProcessorIsAnEntryProcessorException() {
    Cache<String, String> cache = readThroughCache();
    GO.get(name).countDown();
    assertThatThrownBy(() -> cache.invoke("bad", (entry, arguments) -> entry.getValue()))
        .isInstanceOf(EntryProcessorException.class)
        .hasRootCauseMessage("the database is down");
  }
}
