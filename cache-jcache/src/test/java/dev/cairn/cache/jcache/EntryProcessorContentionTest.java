package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry processors are atomic across tiers: with a memory tier far smaller than the key set, every
 * processor finds its key in memory, in the write-behind buffer or on disk, and none of the
 * concurrent increments is lost, before or after a restart.
 */
class EntryProcessorContentionTest {

  private static final int KEYS = 64;
  private static final int THREADS = 4;
  private static final int INCREMENTS_PER_THREAD = 2_000;

  private static final EntryProcessor<Integer, Long, Long> INCREMENT = (entry, arguments) -> {
    Long current = entry.getValue();
    long next = current == null ? 1 : current + 1;
    entry.setValue(next);
    return next;
  };

  @TempDir
  Path directory;

  @Test
  void concurrentEntryProcessorsLoseNoUpdateAcrossTiers() throws Exception {
    AtomicLongArray expected = new AtomicLongArray(KEYS);
    URI uri = URI.create("contention-" + System.nanoTime());
    try (CacheManager manager = manager(uri)) {
      Cache<Integer, Long> counters = manager.createCache("counters", configuration());
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(threads.submit(() -> {
          start.await();
          for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
            int key = ThreadLocalRandom.current().nextInt(KEYS);
            counters.invoke(key, INCREMENT);
            expected.incrementAndGet(key);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
      threads.shutdown();
      assertCounts(counters, expected);
      assertThat(counters.unwrap(dev.cairn.cache.core.TieredCache.class).memoryTierSize())
          .as("the memory tier stayed within its bound, so most keys lived below it")
          .isLessThanOrEqualTo(8);
    }
    try (CacheManager reopened = manager(uri)) {
      Cache<Integer, Long> counters = reopened.createCache("counters", configuration());
      assertCounts(counters, expected);
    }
  }

  private static CacheManager manager(URI uri) {
    return Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(uri, EntryProcessorContentionTest.class.getClassLoader());
  }

  private CairnConfiguration<Integer, Long> configuration() {
    return new CairnConfiguration<Integer, Long>()
        .setTypes(Integer.class, Long.class)
        .setMaximumEntries(8)
        .setLowerTier("disk").setDirectory(directory.resolve("counters"))
        .setSegments(4);
  }

  private static void assertCounts(Cache<Integer, Long> counters, AtomicLongArray expected) {
    long total = 0;
    for (int key = 0; key < KEYS; key++) {
      long count = expected.get(key);
      total += count;
      assertThat(counters.get(key)).as("counter %d", key).isEqualTo(count == 0 ? null : count);
    }
    assertThat(total).isEqualTo((long) THREADS * INCREMENTS_PER_THREAD);
  }
}
