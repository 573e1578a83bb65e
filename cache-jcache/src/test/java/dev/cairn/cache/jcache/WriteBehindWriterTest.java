package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.core.BackPressure;
import java.io.Closeable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-behind to the {@link CacheWriter} ({@link CairnConfiguration#setWriteBehindToWriter}):
 * writes return before the writer sees them; the writer gets each key's latest change in batches
 * through {@code writeAll}/{@code deleteAll}; failed batches are retried, partial ones only for
 * what was not written; closing hands it everything; loads, expiry and clear never reach it.
 */
class WriteBehindWriterTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private final RecordingWriter writer = new RecordingWriter();
  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("write-behind-writer-" + System.nanoTime()),
            getClass().getClassLoader());
  }

  @AfterEach
  void closeManager() {
    writer.failuresLeft.set(0);
    writer.hold.countDown();
    manager.close();
  }

  @Test
  void aWriteReturnsWhileTheWriterIsStillBusyWithAnEarlierBatch() throws Exception {
    writer.hold = new CountDownLatch(1);
    Cache<String, String> cache = cache("busy", behind().setFlushInterval(Duration.ofMillis(5)));
    cache.put("first", "1");
    assertThat(writer.entered.await(10, TimeUnit.SECONDS)).as("the writer got the first batch")
        .isTrue();

    for (int i = 0; i < 100; i++) {
      cache.put("k" + i, "v" + i);
    }

    assertThat(cache.get("k99")).isEqualTo("v99");
    assertThat(writer.written).as("the writer is held on its first batch").isEmpty();
    writer.hold.countDown();
    flush(cache);
    assertThat(writer.written).hasSize(101).containsEntry("k99", "v99");
  }

  @Test
  void changesOfOneKeyReachTheWriterAsItsLatestChangeInOneBatch() {
    Cache<String, String> cache = cache("coalesce", behind().setFlushInterval(NEVER));
    for (int i = 0; i < 50; i++) {
      cache.put("k", "v" + i);
    }
    cache.put("gone", "x");
    cache.remove("gone");
    assertThat(writer.calls).as("nothing reaches the writer before the flush").isEmpty();

    flush(cache);

    assertThat(writer.written).containsOnly(Map.entry("k", "v49"));
    assertThat(writer.deleted).containsExactly("gone");
    assertThat(writer.calls).containsExactlyInAnyOrder("writeAll(1)", "deleteAll(1)");
  }

  @Test
  void batchesAreNoLargerThanTheBatchSize() {
    Cache<String, String> cache = cache("batches", behind().setSegments(1).setFlushBatchSize(10)
        .setFlushInterval(NEVER));
    Map<String, String> entries = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 95; i++) {
      entries.put("k" + i, "v" + i);
    }
    cache.putAll(entries);

    flush(cache);

    assertThat(writer.written).isEqualTo(entries);
    assertThat(writer.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 10));
    assertThat(writer.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(95);
  }

  @Test
  void everyKindOfWriteIsQueuedAndRemoveAllDeletesThroughTheQueue() {
    Cache<String, String> cache = cache("kinds", behind().setFlushInterval(NEVER));
    cache.put("put", "1");
    cache.getAndPut("getAndPut", "1");
    cache.putIfAbsent("putIfAbsent", "1");
    cache.put("replaced", "old");
    cache.replace("replaced", "old", "new");
    cache.invoke("processed", (entry, args) -> {
      entry.setValue("by processor");
      return null;
    });
    flush(cache);
    assertThat(writer.written).containsOnly(Map.entry("put", "1"), Map.entry("getAndPut", "1"),
        Map.entry("putIfAbsent", "1"), Map.entry("replaced", "new"),
        Map.entry("processed", "by processor"));

    cache.getAndRemove("put");
    cache.remove("getAndPut", "1");
    cache.invoke("processed", (entry, args) -> {
      entry.remove();
      return null;
    });
    Iterator<Cache.Entry<String, String>> iterator = cache.iterator();
    while (iterator.hasNext()) {
      if (iterator.next().getKey().equals("replaced")) {
        iterator.remove();
      }
    }
    cache.removeAll();
    flush(cache);

    assertThat(writer.written).isEmpty();
    assertThat(writer.deleted).containsExactlyInAnyOrder("put", "getAndPut", "processed",
        "replaced", "putIfAbsent");
    assertThat(cache.iterator().hasNext()).isFalse();
  }

  @Test
  void loadsExpiryAndClearNeverReachTheWriter() {
    CairnConfiguration<String, String> configuration = behind().setFlushInterval(NEVER);
    configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 50)));
    configuration.setCacheLoaderFactory(factory(new UpperCaseLoader())).setReadThrough(true);
    Cache<String, String> cache = cache("quiet", configuration);

    assertThat(cache.get("loaded")).isEqualTo("LOADED");
    cache.put("expiring", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> !cache.containsKey("expiring"));
    cache.put("cleared", "1");
    cache.clear();
    flush(cache);

    assertThat(writer.written).as("only the puts").containsOnlyKeys("expiring", "cleared");
    assertThat(writer.deleted).as("neither expiry nor clear deletes").isEmpty();
  }

  @Test
  void aBatchTheWriterFailsIsRetriedAndTheCacheKeepsServingTheValue() {
    Cache<String, String> cache = cache("retry", behind().setFlushInterval(Duration.ofMillis(10)));
    writer.failuresLeft.set(2);
    cache.put("k", "v");

    await().atMost(Duration.ofSeconds(20)).until(() -> writer.written.containsKey("k"));
    assertThat(writer.failed.get()).isEqualTo(2);
    assertThat(cache.get("k")).isEqualTo("v");
  }

  @Test
  void afterAPartialWriteAllOnlyTheUnwrittenEntriesAreRetried() {
    Cache<String, String> cache = cache("partial", behind().setSegments(1)
        .setFlushInterval(NEVER));
    writer.writeOnlyOneThenFail.set(true);
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");

    assertThatThrownBy(() -> flush(cache)).isInstanceOf(CacheWriterException.class)
        .hasRootCauseMessage("partial: the store took one entry");
    assertThat(writer.written).hasSize(1);

    flush(cache);
    assertThat(writer.written).containsOnlyKeys("a", "b", "c");
    assertThat(writer.batchSizes).as("the retry carried the two unwritten entries only")
        .containsExactly(3, 2);
  }

  @Test
  void closingTheCacheHandsTheWriterEverythingBeforeClosingIt() {
    Cache<String, String> cache = cache("close", behind().setFlushInterval(NEVER));
    for (int i = 0; i < 100; i++) {
      cache.put("k" + i, "v" + i);
    }
    cache.close();

    assertThat(writer.written).hasSize(100);
    assertThat(writer.closedAfter.get()).as("entries written before the writer closed")
        .isEqualTo(100);
  }

  @Test
  void underWriteThroughBackPressureAWriterFailureReachesTheCallerAndTheCacheIsUnchanged() {
    Cache<String, String> cache = cache("pressure", behind().setSegments(1)
        .setWriteBufferCapacity(1).setFlushInterval(NEVER)
        .setBackPressure(BackPressure.WRITE_THROUGH, Duration.ofSeconds(1)));
    writer.failuresLeft.set(Integer.MAX_VALUE);
    cache.put("a", "1");

    assertThatThrownBy(() -> cache.put("b", "2")).isInstanceOf(CacheWriterException.class)
        .hasMessageContaining("'pressure'").hasMessageContaining("did not take the change");
    assertThat(cache.containsKey("b")).isFalse();
    assertThat(cache.get("a")).isEqualTo("1");
  }

  @Test
  void withTheDiskTierBothTheDiskAndTheWriterGetEveryWrite(@TempDir Path directory) {
    CairnConfiguration<String, String> configuration = behind().setFlushInterval(NEVER)
        .setLowerTier("disk").setDirectory(directory.resolve("both"));
    Cache<String, String> cache = cache("both", configuration);
    for (int i = 0; i < 200; i++) {
      cache.put("k" + i, "v" + i);
    }
    cache.remove("k0");
    cache.close();
    assertThat(writer.written).hasSize(199);
    assertThat(writer.deleted).containsExactly("k0");

    RecordingWriter later = new RecordingWriter();
    configuration.setMaximumEntries(10).setCacheWriterFactory(factory(later));
    Cache<String, String> reopened = manager.createCache("both", configuration);
    assertThat(reopened.get("k199")).isEqualTo("v199");
    assertThat(reopened.containsKey("k0")).isFalse();
    assertThat(later.calls).as("reading what the disk kept writes nothing").isEmpty();
  }

  @Test
  void writeBehindToTheWriterWithoutAWriterIsRefusedByName() {
    CairnConfiguration<String, String> configuration = new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteBehindToWriter(true);
    assertThatThrownBy(() -> manager.createCache("no-writer", configuration))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("'no-writer'").hasMessageContaining("write-through off");

    configuration.setWriteThrough(true);
    assertThatThrownBy(() -> manager.createCache("no-writer", configuration))
        .isInstanceOf(CacheException.class).hasMessageContaining("no writer factory");
  }

  // ------------------------------------------------------------------ helpers

  private CairnConfiguration<String, String> behind() {
    CairnConfiguration<String, String> configuration = new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteBehindToWriter(true);
    configuration.setCacheWriterFactory(factory(writer)).setWriteThrough(true);
    return configuration;
  }

  private Cache<String, String> cache(String name, CairnConfiguration<String, String> config) {
    return manager.createCache(name, config);
  }

  private static void flush(Cache<String, String> cache) {
    cache.unwrap(CairnCache.class).flush();
  }

  private static <T> Factory<T> factory(T instance) {
    return () -> instance;
  }

  /** Records what it was handed; fails, holds, or writes one entry only when told to. */
  static final class RecordingWriter implements CacheWriter<String, String>, Closeable {
    final Map<String, String> written = new ConcurrentHashMap<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicBoolean writeOnlyOneThenFail = new AtomicBoolean();
    final AtomicInteger closedAfter = new AtomicInteger(-1);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      throw new AssertionError("write-behind hands the writer batches only");
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entered.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CacheWriterException(e);
      }
      batchSizes.add(entries.size());
      if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        failed.incrementAndGet();
        throw new CacheWriterException("the store is down");
      }
      if (entries.size() > 1 && writeOnlyOneThenFail.compareAndSet(true, false)) {
        Iterator<Cache.Entry<? extends String, ? extends String>> it = entries.iterator();
        Cache.Entry<? extends String, ? extends String> first = it.next();
        written.put(first.getKey(), first.getValue());
        it.remove();
        throw new CacheWriterException("partial: the store took one entry");
      }
      calls.add("writeAll(" + entries.size() + ")");
      entries.forEach(entry -> {
        written.put(entry.getKey(), entry.getValue());
        deleted.remove(entry.getKey());
      });
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      throw new AssertionError("write-behind hands the writer batches only");
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      calls.add("deleteAll(" + keys.size() + ")");
      for (Object key : keys) {
        written.remove(key);
        deleted.add((String) key);
      }
      keys.clear();
    }

    @Override
    public void close() {
      closedAfter.set(written.size());
    }
  }

  /** Loads the key in upper case. */
  static final class UpperCaseLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      return key.toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new ConcurrentHashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  }
}
