package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners and loaders that throw or block: the error reaches the caller as JSR-107 says, the
 * cache stays consistent (memory and disk agree, across a restart), and nothing stalls an
 * operation on another key.
 */
class MisbehavingListenersAndLoadersTest {

  private static final long WAIT_SECONDS = 30;

  /** Latches by test, released by the test; static because listeners and loaders come from factories. */
  static final Map<String, CountDownLatch> RELEASE = new ConcurrentHashMap<>();
  static final Map<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();
  static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();

  @TempDir
  Path directory;

  private final String name = "misbehaving-" + System.nanoTime();
  private CacheManager manager;

  private CacheManager manager() {
    if (manager == null) {
      manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
          .getCacheManager(URI.create(name), getClass().getClassLoader());
    }
    return manager;
  }

  @AfterEach
  void release() {
    RELEASE.values().forEach(latch -> latch.countDown());
    if (manager != null) {
      manager.close();
    }
  }

  /** Throws on every event of the key "bad"; records the keys of the others. */
  record ThrowingListener(String test) implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, Serializable {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      onEvents(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      onEvents(events);
    }

    private void onEvents(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        if (event.getKey().equals("bad")) {
          throw new IllegalStateException("listener refuses " + event.getKey());
        }
        SEEN.computeIfAbsent(test, t -> new CopyOnWriteArrayList<>()).add(event.getKey());
      }
    }
  }

  /** Blocks on the key "slow" until the test releases it; records every key it saw. */
  record BlockingListener(String test) implements CacheEntryCreatedListener<String, String>,
      Serializable {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        if (event.getKey().equals("slow")) {
          ENTERED.get(test).countDown();
          awaitRelease(test);
        }
        SEEN.computeIfAbsent(test, t -> new CopyOnWriteArrayList<>()).add(event.getKey());
      }
    }
  }

  /** Throws for "bad", blocks for "slow" until released, loads "loaded-<key>" otherwise. */
  record MisbehavingLoader(String test) implements CacheLoader<String, String>, Serializable {
    @Override
    public String load(String key) {
      if (key.equals("bad")) {
        throw new IllegalStateException("the system of record is down for " + key);
      }
      if (key.equals("slow")) {
        ENTERED.get(test).countDown();
        awaitRelease(test);
      }
      return "loaded-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new java.util.HashMap<>();
      for (String key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  private static void awaitRelease(String test) {
    try {
      if (!RELEASE.get(test).await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void latches() {
    RELEASE.put(name, new CountDownLatch(1));
    ENTERED.put(name, new CountDownLatch(1));
  }

  private CairnConfiguration<String, String> configuration() {
    return new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setMaximumEntries(4)
        .setLowerTier("disk").setDirectory(directory.resolve("cache"));
  }

  private static <L extends javax.cache.event.CacheEntryListener<String, String> & Serializable>
      MutableCacheEntryListenerConfiguration<String, String> listener(L listener,
      boolean synchronous) {
    return new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(listener), null, false, synchronous);
  }

  @Test
  void aSynchronousListenerThatThrowsReachesTheCallerAndTheCacheStaysConsistent() {
    CairnConfiguration<String, String> configuration = configuration();
    configuration.addCacheEntryListenerConfiguration(listener(new ThrowingListener(name), true));
    Cache<String, String> cache = manager().createCache("throwing", configuration);

    assertThatThrownBy(() -> cache.put("bad", "v1"))
        .isInstanceOf(CacheEntryListenerException.class)
        .hasMessageContaining(ThrowingListener.class.getName())
        .hasMessageContaining("throwing")
        .hasRootCauseMessage("listener refuses bad");
    // The change took effect before the listener ran (JSR-107: listeners see changes made).
    assertThat(cache.get("bad")).isEqualTo("v1");
    assertThatThrownBy(() -> cache.put("bad", "v2"))
        .isInstanceOf(CacheEntryListenerException.class);
    for (int i = 0; i < 20; i++) {
      cache.put("good-" + i, "g" + i);   // pushes "bad" out of memory: read back from disk
    }
    assertThat(cache.get("bad")).isEqualTo("v2");
    assertThat(SEEN.get(name)).as("the listener still hears other keys").hasSize(20);

    manager().close();
    manager = null;
    Cache<String, String> reopened = manager().createCache("throwing", configuration());
    assertThat(reopened.get("bad")).as("after a restart").isEqualTo("v2");
    assertThat(reopened.get("good-7")).isEqualTo("g7");
  }

  @Test
  void aBlockedAsynchronousListenerStallsNoOperationOnOtherKeys() throws Exception {
    latches();
    CairnConfiguration<String, String> configuration = configuration();
    configuration.addCacheEntryListenerConfiguration(listener(new BlockingListener(name), false));
    configuration.addCacheEntryListenerConfiguration(
        listener(new ThrowingListener(name + "-sync"), true));
    Cache<String, String> cache = manager().createCache("async", configuration);

    cache.put("slow", "s");   // returns: its listener is asynchronous
    assertThat(ENTERED.get(name).await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 100; i++) {
        cache.put("k" + i, "v" + i);
        assertThat(cache.get("k" + i)).isEqualTo("v" + i);
      }
      cache.put("slow", "s2");   // even the blocked key's own operations go on
    });
    others.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(SEEN.get(name + "-sync")).as("synchronous deliveries, all made").hasSize(102);

    RELEASE.get(name).countDown();
    await().atMost(Duration.ofSeconds(WAIT_SECONDS))
        .until(() -> SEEN.getOrDefault(name, List.of()).size() == 101);
  }

  @Test
  void aBlockedSynchronousListenerStallsOnlyTheCallerThatCausedTheEvent() throws Exception {
    latches();
    CairnConfiguration<String, String> configuration = configuration();
    configuration.addCacheEntryListenerConfiguration(listener(new BlockingListener(name), true));
    Cache<String, String> cache = manager().createCache("sync", configuration);

    CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> cache.put("slow", "s"));
    assertThat(ENTERED.get(name).await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 100; i++) {
        cache.put("k" + i, "v" + i);
        assertThat(cache.get("k" + i)).isEqualTo("v" + i);
      }
      assertThat(cache.get("slow")).as("the change took effect before its listener").isEqualTo("s");
    });
    others.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(slow).as("the put whose listener blocks").isNotDone();
    RELEASE.get(name).countDown();
    slow.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private Cache<String, String> readThrough(String cacheName) {
    CairnConfiguration<String, String> configuration = configuration();
    configuration.setCacheLoaderFactory(FactoryBuilder.factoryOf(new MisbehavingLoader(name)));
    configuration.setReadThrough(true);
    return manager().createCache(cacheName, configuration);
  }

  @Test
  void aLoaderThatThrowsReachesTheCallerAsCacheLoaderExceptionAndStoresNothing() {
    Cache<String, String> cache = readThrough("loader-throws");
    cache.put("present", "p");

    assertThatThrownBy(() -> cache.get("bad"))
        .isInstanceOf(CacheLoaderException.class)
        .hasMessageContaining(MisbehavingLoader.class.getName())
        .hasMessageContaining("loader-throws")
        .hasRootCauseMessage("the system of record is down for bad");
    assertThatThrownBy(() -> cache.getAll(Set.of("bad", "fine")))
        .isInstanceOf(CacheLoaderException.class);
    assertThat(cache.containsKey("bad")).isFalse();
    assertThat(cache.containsKey("fine")).as("nothing of the failed getAll").isFalse();
    assertThat(cache.get("present")).isEqualTo("p");
    assertThat(cache.get("fine")).isEqualTo("loaded-fine");
  }

  @Test
  void aLoaderBlockedOnOneKeyBlocksNoReadOrWriteOfOtherKeys() throws Exception {
    latches();
    Cache<String, String> cache = readThrough("loader-blocks");
    cache.put("present", "p");

    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> cache.get("slow"));
    assertThat(ENTERED.get(name).await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
      assertThat(cache.get("present")).isEqualTo("p");
      for (int i = 0; i < 50; i++) {
        assertThat(cache.get("k" + i)).isEqualTo("loaded-k" + i);
        cache.put("w" + i, "v" + i);
      }
    });
    others.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(slow).isNotDone();
    RELEASE.get(name).countDown();
    assertThat(slow.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("loaded-slow");
    assertThat(cache.get("slow")).isEqualTo("loaded-slow");
  }
}
