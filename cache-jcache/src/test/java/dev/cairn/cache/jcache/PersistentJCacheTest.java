package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JCache caches over the disk tier: they keep their entries across a restart of the cache manager,
 * lose them only when destroyed, get the disk tier from a configuration file's default section
 * when created from a plain MutableConfiguration, and refuse a directory another cache holds.
 */
class PersistentJCacheTest {

  private final CachingProvider provider =
      Caching.getCachingProvider(CairnCachingProvider.class.getName());

  @TempDir
  Path directory;

  private CacheManager manager(String name) {
    return provider.getCacheManager(URI.create(name), getClass().getClassLoader());
  }

  private CairnConfiguration<String, String> onDisk(Path cacheDirectory) {
    return new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setLowerTier("disk").setDirectory(cacheDirectory);
  }

  @Test
  void entriesSurviveACacheManagerRestart() {
    String uri = "persistent-" + System.nanoTime();
    try (CacheManager manager = manager(uri)) {
      Cache<String, String> cache = manager.createCache("users", onDisk(directory.resolve("u")));
      cache.put("alice", "Alice Liddell");
      cache.put("bob", "Bob Cratchit");
      cache.remove("bob");
    }
    try (CacheManager manager = manager(uri)) {
      Cache<String, String> cache = manager.createCache("users", onDisk(directory.resolve("u")));
      assertThat(cache.get("alice")).isEqualTo("Alice Liddell");
      assertThat(cache.get("bob")).as("a removal is persisted too").isNull();
      TieredCache<?, ?> engine = cache.unwrap(TieredCache.class);
      assertThat(engine.lowerTierName()).isEqualTo("disk");
    }
  }

  @Test
  void destroyedCacheStartsEmptyAndLeavesNoFiles() throws IOException {
    Path cacheDirectory = directory.resolve("d");
    try (CacheManager manager = manager("destroy-" + System.nanoTime())) {
      Cache<String, String> cache = manager.createCache("doomed", onDisk(cacheDirectory));
      cache.put("k", "v");
      cache.unwrap(TieredCache.class).flush();
      assertThat(Files.exists(cacheDirectory)).isTrue();
      manager.destroyCache("doomed");
      assertThat(cache.isClosed()).isTrue();
      assertThat(manager.getCache("doomed")).isNull();
      assertThat(Files.exists(cacheDirectory)).as("destroyCache deletes the files").isFalse();
      Cache<String, String> again = manager.createCache("doomed", onDisk(cacheDirectory));
      assertThat(again.get("k")).isNull();
    }
  }

  @Test
  void plainConfigurationGetsTheDiskTierFromTheDefaultSection() throws IOException {
    Path base = directory.resolve("base");
    Path file = directory.resolve("app.conf");
    Files.writeString(file, "cairn.default.disk.directory = \""
        + base.toString().replace("\\", "\\\\") + "\"\n");
    URI uri = file.toUri();
    MutableConfiguration<String, String> plain = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
    try (CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader())) {
      manager.createCache("orders", plain).put("o-1", "two pears");
    }
    assertThat(Files.isDirectory(base.resolve("orders")))
        .as("the cache's directory is <base>/<cache name>").isTrue();
    try (CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader())) {
      Cache<String, String> orders = manager.createCache("orders", plain);
      assertThat(orders.get("o-1")).isEqualTo("two pears");
      assertThat(orders.getConfiguration(CairnConfiguration.class).getDirectory())
          .isEqualTo(base.resolve("orders"));
    }
  }

  @Test
  void systemPropertyNamesTheProviderWideDefaultFile() throws IOException {
    Path base = directory.resolve("provider-default");
    Path file = directory.resolve("provider.conf");
    Files.writeString(file, "cairn.default.disk.directory = \""
        + base.toString().replace("\\", "\\\\") + "\"\n");
    String previous = System.getProperty(CairnCachingProvider.CONFIG_PROPERTY);
    System.setProperty(CairnCachingProvider.CONFIG_PROPERTY, file.toUri().toString());
    try {
      assertThat(provider.getDefaultURI()).isEqualTo(file.toUri());
      MutableConfiguration<String, String> byValue = new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class);
      MutableConfiguration<String, String> byReference = new MutableConfiguration<>(byValue)
          .setStoreByValue(false);
      String otherUri = "other-" + System.nanoTime();
      try (CacheManager manager = manager(otherUri)) {
        Cache<String, String> persistent = manager.createCache("by-value", byValue);
        Cache<String, String> inMemory = manager.createCache("by-reference", byReference);
        assertThat(persistent.unwrap(TieredCache.class).lowerTierName()).isEqualTo("disk");
        assertThat(inMemory.unwrap(TieredCache.class).lowerTierName())
            .as("a by-reference cache cannot keep identity on disk, so it stays in memory")
            .isNull();
        assertThat(persistent.getConfiguration(CairnConfiguration.class).getDirectory())
            .as("another manager's caches get a subdirectory named after its URI")
            .isEqualTo(base.resolve(otherUri).resolve("by-value"));
      }
    } finally {
      if (previous == null) {
        System.clearProperty(CairnCachingProvider.CONFIG_PROPERTY);
      } else {
        System.setProperty(CairnCachingProvider.CONFIG_PROPERTY, previous);
      }
    }
  }

  @Test
  void directoryHeldByAnotherOpenCacheIsRefusedWithItsPath() {
    Path shared = directory.resolve("shared");
    try (CacheManager first = manager("first-" + System.nanoTime());
        CacheManager second = manager("second-" + System.nanoTime())) {
      Cache<String, String> holder = first.createCache("one", onDisk(shared));
      holder.put("kept", "yes");
      assertThatThrownBy(() -> second.createCache("two", onDisk(shared)))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("two")
          .hasMessageContaining(shared.toString());
      assertThat(second.getCache("two")).isNull();
      assertThat(holder.get("kept")).isEqualTo("yes");
    }
  }
}
