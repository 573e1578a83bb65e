package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant "Readers agree" (docs/design.md) through JCache, as the defect was reported: a cache
 * over the disk tier bounded to 100 entries (the disk tier's option {@code maximum-entries}) under
 * a memory bound of 10,000. Entries the disk evicts must leave memory too, or {@code get} would
 * serve keys that iteration, which reads the disk, no longer finds.
 */
class ReadersAgreeJCacheTest {

  private static final int KEYS = 1_000;

  @TempDir
  Path directory;

  @Test
  void getGetAllAndIterationAgreeWhenTheDiskBoundIsBelowTheMemoryBound() {
    CachingProvider provider = Caching.getCachingProvider(CairnCachingProvider.class.getName());
    try (CacheManager manager = provider.getCacheManager(
        URI.create("readers-agree-" + System.nanoTime()), getClass().getClassLoader())) {
      Cache<Integer, String> cache = manager.createCache("bounded",
          new CairnConfiguration<Integer, String>()
              .setTypes(Integer.class, String.class)
              .setMaximumEntries(10_000)
              .setLowerTier("disk")
              .setDirectory(directory.resolve("bounded"))
              .setLowerTierOption("maximum-entries", "100"));
      Set<Integer> all = new LinkedHashSet<>();
      for (int i = 0; i < KEYS; i++) {
        cache.put(i, "v" + i);
        all.add(i);
      }
      cache.unwrap(CairnCache.class).flush();

      Set<Integer> byGet = new HashSet<>();
      for (int key : all) {
        String value = cache.get(key);
        if (value != null) {
          assertThat(value).isEqualTo("v" + key);
          byGet.add(key);
        }
      }
      Set<Integer> byIteration = new HashSet<>();
      for (Cache.Entry<Integer, String> entry : cache) {
        byIteration.add(entry.getKey());
      }

      assertThat(byIteration).as("the disk bound took effect").isNotEmpty().hasSizeLessThan(KEYS);
      assertThat(byGet).as("get finds exactly what iteration finds").isEqualTo(byIteration);
      assertThat(cache.getAll(all).keySet()).as("getAll agrees").isEqualTo(byIteration);

      cache.removeAll();
      for (int key : all) {
        assertThat(cache.get(key)).as("key %s after removeAll", key).isNull();
      }
      assertThat(cache.getAll(all)).isEmpty();
      assertThat(cache.iterator().hasNext()).isFalse();
    }
  }
}
