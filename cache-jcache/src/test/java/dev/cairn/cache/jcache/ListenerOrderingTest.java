package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listeners see the events of one key in the order the changes took effect, with none missing,
 * whether delivery is synchronous or asynchronous and whatever tier the key lives in: each key is
 * a counter incremented by entry processors from several threads, so its events must carry
 * 1, 2, 3, ... exactly.
 */
class ListenerOrderingTest {

  private static final int KEYS = 16;
  private static final int THREADS = 4;
  private static final int INCREMENTS_PER_THREAD = 500;

  /** What every listener saw, by registration name, then key; static because listeners are made by factories. */
  static final Map<String, Map<Integer, List<Long>>> SEEN = new ConcurrentHashMap<>();

  @TempDir
  Path directory;

  @ParameterizedTest(name = "synchronous={0}")
  @ValueSource(booleans = {false, true})
  void eventsOfOneKeyArriveInOrderWithNoneMissing(boolean synchronous) throws Exception {
    String name = "ordering-" + synchronous + "-" + System.nanoTime();
    SEEN.put(name, new ConcurrentHashMap<>());
    try (CacheManager manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create(name), getClass().getClassLoader())) {
      CairnConfiguration<Integer, Long> configuration = new CairnConfiguration<Integer, Long>()
          .setTypes(Integer.class, Long.class)
          .setMaximumEntries(4)
          .setLowerTier("disk").setDirectory(directory.resolve("counters"));
      configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(new RecordingListener(name)), null, false, synchronous));
      Cache<Integer, Long> counters = manager.createCache("counters", configuration);

      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(threads.submit(() -> {
          start.await();
          for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
            counters.invoke(ThreadLocalRandom.current().nextInt(KEYS), (entry, arguments) -> {
              Long current = entry.getValue();
              entry.setValue(current == null ? 1L : current + 1);
              return null;
            });
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
      threads.shutdown();

      Map<Integer, List<Long>> seen = SEEN.get(name);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        long events = seen.values().stream().mapToLong(List::size).sum();
        assertThat(events).isEqualTo((long) THREADS * INCREMENTS_PER_THREAD);
      });
      for (int key = 0; key < KEYS; key++) {
        List<Long> values = seen.getOrDefault(key, List.of());
        for (int i = 0; i < values.size(); i++) {
          assertThat(values.get(i)).as("event %d of key %d", i, key).isEqualTo(i + 1L);
        }
        assertThat(counters.get(key)).isEqualTo(values.isEmpty() ? null : (long) values.size());
      }
    } finally {
      SEEN.remove(name);
    }
  }

  /** Appends each created or updated value to its key's list; one delivery at a time per key. */
  static final class RecordingListener implements CacheEntryCreatedListener<Integer, Long>,
      CacheEntryUpdatedListener<Integer, Long>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;

    RecordingListener(String name) {
      this.name = name;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends Integer, ? extends Long>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends Integer, ? extends Long>> events) {
      record(events);
    }

    private void record(Iterable<CacheEntryEvent<? extends Integer, ? extends Long>> events) {
      for (CacheEntryEvent<? extends Integer, ? extends Long> event : events) {
        SEEN.get(name)
            .computeIfAbsent(event.getKey(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(event.getValue());
      }
    }
  }
}
