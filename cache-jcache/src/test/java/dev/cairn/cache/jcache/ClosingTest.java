package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Closeable;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;

/**
 * Closing a cache closes what it made from the configuration's factories, as JSR-107 asks of
 * resources that are {@link Closeable}, and leaves the cache refusing every operation.
 */
class ClosingTest {

  static final Set<String> CLOSED = ConcurrentHashMap.newKeySet();

  @Test
  void closingTheCacheClosesItsLoaderWriterAndExpiryPolicy() {
    CLOSED.clear();
    try (CacheManager manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("closing-" + System.nanoTime()), getClass().getClassLoader())) {
      CairnConfiguration<String, String> configuration = new CairnConfiguration<String, String>()
          .setTypes(String.class, String.class);
      configuration.setCacheLoaderFactory(FactoryBuilder.factoryOf(ClosingLoader.class))
          .setReadThrough(true)
          .setCacheWriterFactory(FactoryBuilder.factoryOf(ClosingWriter.class))
          .setWriteThrough(true)
          .setExpiryPolicyFactory(FactoryBuilder.factoryOf(ClosingExpiry.class));
      Cache<String, String> cache = manager.createCache("closing", configuration);
      assertThat(cache.get("k")).as("read through the loader").isEqualTo("loaded k");
      assertThat(CLOSED).isEmpty();

      cache.close();

      assertThat(CLOSED).containsExactlyInAnyOrder("loader", "writer", "expiry");
      assertThat(cache.isClosed()).isTrue();
      assertThat(manager.getCache("closing")).as("a closed cache leaves its manager").isNull();
      assertThatThrownBy(() -> cache.get("k")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closing");
    }
  }

  /** Loads "loaded <key>". */
  public static final class ClosingLoader implements CacheLoader<String, String>, Closeable {
    @Override public String load(String key) {
      return "loaded " + key;
    }

    @Override public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new ConcurrentHashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }

    @Override public void close() {
      CLOSED.add("loader");
    }
  }

  /** Accepts everything. */
  public static final class ClosingWriter implements CacheWriter<String, String>, Closeable {
    @Override public void write(Cache.Entry<? extends String, ? extends String> entry) {
    }

    @Override public void writeAll(
        Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entries.clear();
    }

    @Override public void delete(Object key) {
    }

    @Override public void deleteAll(Collection<?> keys) {
      keys.clear();
    }

    @Override public void close() {
      CLOSED.add("writer");
    }
  }

  /** Eternal, and closeable. */
  public static final class ClosingExpiry implements ExpiryPolicy, Closeable {
    @Override public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override public Duration getExpiryForAccess() {
      return null;
    }

    @Override public Duration getExpiryForUpdate() {
      return null;
    }

    @Override public void close() {
      CLOSED.add("expiry");
    }
  }
}
