package dev.cairn.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.jcache.CairnConfiguration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.cache2k.Cache2kBuilder;
import org.cache2k.jcache.ExtendedMutableConfiguration;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.jsr107.Eh107Configuration;

/**
 * The in-memory caches the memory workloads compare, each built bounded to the same number of
 * entries, storing by reference, with statistics off: through JSR-107 (Cairn, Caffeine's JCache
 * module, Ehcache 3, cache2k), and directly (Cairn's engine, raw Caffeine, and an unbounded
 * {@link ConcurrentHashMap} as the upper bound no bounded cache can pass).
 *
 * <p>Several JSR-107 providers share the class path, so each is asked for by its class name; the
 * default provider would be whichever the service files list first. Ehcache 3 and cache2k can
 * only be bounded by entries through their own configuration types, which their JSR-107 layers
 * accept in place of a {@link MutableConfiguration}; Cairn's extends it, Caffeine's
 * mirrors it.
 * {@link #open} checks what it built: the settings the cache reports, and that a value comes back
 * as the same object (by reference, not copied).
 */
public enum MemoryPeer {

  /** Cairn through its JSR-107 provider. */
  CAIRN_JCACHE {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      CairnConfiguration<Integer, Integer> configuration = new CairnConfiguration<>();
      configuration.setTypes(Integer.class, Integer.class);
      configuration.setMaximumEntries(capacity);
      return jcache("dev.cairn.cache.jcache.CairnCachingProvider", capacity,
          byReference(configuration));
    }
  },

  /** Caffeine's own JSR-107 module over the same Caffeine. */
  CAFFEINE_JCACHE {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      CaffeineConfiguration<Integer, Integer> configuration = new CaffeineConfiguration<>();
      configuration.setTypes(Integer.class, Integer.class);
      configuration.setMaximumSize(OptionalLong.of(capacity));
      // Not a MutableConfiguration, but the same three settings.
      configuration.setStoreByValue(false);
      configuration.setStatisticsEnabled(false);
      configuration.setManagementEnabled(false);
      return jcache("com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider", capacity,
          configuration);
    }
  },

  /** Ehcache 3 through JSR-107, heap only, configured with its own builder (heap is by reference). */
  EHCACHE_JCACHE {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      return jcache("org.ehcache.jsr107.EhcacheCachingProvider", capacity,
          Eh107Configuration.fromEhcacheCacheConfiguration(
              CacheConfigurationBuilder.newCacheConfigurationBuilder(Integer.class, Integer.class,
                  ResourcePoolsBuilder.heap(capacity))));
    }
  },

  /** cache2k through JSR-107, configured with its own builder for the entry capacity. */
  CACHE2K_JCACHE {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      ExtendedMutableConfiguration<Integer, Integer> configuration =
          ExtendedMutableConfiguration.of(Cache2kBuilder.of(Integer.class, Integer.class)
              .entryCapacity(capacity)
              .disableStatistics(true));
      return jcache("org.cache2k.jcache.provider.JCacheProvider", capacity,
          byReference(configuration));
    }
  },

  /** Cairn's engine, {@link TieredCache}, without the JSR-107 layer: what that layer costs. */
  CAIRN_ENGINE {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("memory")
          .maximumSize(capacity)
          .statisticsEnabled(false)
          .build();
      return new CacheUnderTest<>() {
        @Override public Integer get(Integer key) {
          return cache.get(key);
        }

        @Override public void put(Integer key, Integer value) {
          cache.put(key, value);
        }

        @Override public void close() {
          cache.close();
        }
      };
    }
  },

  /** Raw Caffeine with its defaults (maintenance on the common pool): the bar for Cairn. */
  CAFFEINE {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(capacity).build();
      return new CacheUnderTest<>() {
        @Override public Integer get(Integer key) {
          return cache.getIfPresent(key);
        }

        @Override public void put(Integer key, Integer value) {
          cache.put(key, value);
        }

        @Override public void close() {
          cache.invalidateAll();
        }
      };
    }
  },

  /** An unbounded ConcurrentHashMap: no eviction, no bookkeeping; the upper bound. */
  CONCURRENT_HASH_MAP {
    @Override CacheUnderTest<Integer, Integer> open(int capacity) {
      ConcurrentHashMap<Integer, Integer> map = new ConcurrentHashMap<>(capacity);
      return new CacheUnderTest<>() {
        @Override public Integer get(Integer key) {
          return map.get(key);
        }

        @Override public void put(Integer key, Integer value) {
          map.put(key, value);
        }

        @Override public void close() {
          map.clear();
        }
      };
    }
  };

  /** Builds this peer's cache, bounded to {@code capacity} entries, and checks its settings. */
  abstract CacheUnderTest<Integer, Integer> open(int capacity);

  /**
   * Fails unless the cache keeps near {@code capacity} entries when given twice as many: a
   * provider that ignored its bound would have an unfair advantage. Some evict asynchronously, so
   * the check allows a margin; the keys are negative, outside the workloads' key space, and are
   * cleared afterwards.
   */
  private static void checkBounded(String providerClass, javax.cache.Cache<Integer, Integer> cache,
      int capacity) {
    for (int i = 0; i < 2 * capacity; i++) {
      cache.put(-2 - i, i);
    }
    long held = 0;
    for (javax.cache.Cache.Entry<Integer, Integer> ignored : cache) {
      held++;
    }
    cache.clear();
    if (held > capacity + capacity / 2) {
      throw new IllegalStateException(providerClass + " held " + held + " entries after "
          + 2 * capacity + " puts with a bound of " + capacity + ": its bound was not applied");
    }
  }

  private static <C extends MutableConfiguration<Integer, Integer>> C byReference(C configuration) {
    configuration.setStoreByValue(false);
    configuration.setStatisticsEnabled(false);
    configuration.setManagementEnabled(false);
    return configuration;
  }

  private static CacheUnderTest<Integer, Integer> jcache(String providerClass, int capacity,
      Configuration<Integer, Integer> configuration) {
    CachingProvider provider = Caching.getCachingProvider(providerClass);
    CacheManager manager = provider.getCacheManager(provider.getDefaultURI(),
        MemoryPeer.class.getClassLoader());
    String name = "memory";
    if (manager.getCache(name, Integer.class, Integer.class) != null) {
      manager.destroyCache(name);
    }
    javax.cache.Cache<Integer, Integer> cache = manager.createCache(name, configuration);
    manager.enableStatistics(name, false);
    // Ehcache hands back only a Configuration that happens to be complete: ask for the base type.
    Configuration<?, ?> actual = cache.getConfiguration(Configuration.class);
    boolean statistics = actual instanceof CompleteConfiguration<?, ?> complete
        && complete.isStatisticsEnabled();
    if (actual.isStoreByValue() || statistics) {
      throw new IllegalStateException(providerClass + " built a cache storing by value ("
          + actual.isStoreByValue() + ") or with statistics on (" + statistics
          + "): not the settings every peer must share");
    }
    Integer probe = 1_000_000_007;
    cache.put(-1, probe);
    if (cache.get(-1) != probe) {
      throw new IllegalStateException(providerClass + " returned a copy of a value: it stores by "
          + "value, which the other peers do not");
    }
    cache.remove(-1);
    checkBounded(providerClass, cache, capacity);
    return new CacheUnderTest<>() {
      @Override public Integer get(Integer key) {
        return cache.get(key);
      }

      @Override public void put(Integer key, Integer value) {
        cache.put(key, value);
      }

      @Override public void close() {
        manager.close();
      }
    };
  }
}
