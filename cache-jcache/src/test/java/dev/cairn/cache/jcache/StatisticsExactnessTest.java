package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheWriter;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The statistics MXBean counts every operation exactly as JSR-107 does, whether the cache has a
 * disk tier or not and whether writes go through a writer (which Cairn runs as entry processors
 * under the key's lock, and which must count like the plain operations).
 */
class StatisticsExactnessTest {

  static final Map<Object, Object> WRITTEN = new ConcurrentHashMap<>();

  @TempDir
  Path directory;

  @ParameterizedTest(name = "disk={0}, writer={1}")
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void everyOperationCountsAsTheSpecificationSays(boolean disk, boolean writer) throws Exception {
    URI uri = URI.create("statistics-" + disk + "-" + writer + "-" + System.nanoTime());
    try (CacheManager manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(uri, getClass().getClassLoader())) {
      CairnConfiguration<Integer, String> configuration = new CairnConfiguration<Integer, String>()
          .setTypes(Integer.class, String.class);
      configuration.setStatisticsEnabled(true);
      if (disk) {
        configuration.setLowerTier("disk").setDirectory(directory.resolve("stats"));
      }
      if (writer) {
        configuration.setWriteThrough(true);
        configuration.setCacheWriterFactory(FactoryBuilder.factoryOf(MapWriter.class));
      }
      Cache<Integer, String> cache = manager.createCache("stats", configuration);

      assertThat(cache.get(1)).isNull();                                   // miss 1
      cache.put(1, "a");                                                   // put 1
      assertThat(cache.get(1)).isEqualTo("a");                             // hit 1
      assertThat(cache.putIfAbsent(1, "b")).isFalse();                     // hit 2
      assertThat(cache.putIfAbsent(2, "b")).isTrue();                      // miss 2, put 2
      assertThat(cache.getAndPut(2, "c")).isEqualTo("b");                  // hit 3, put 3
      assertThat(cache.replace(3, "x")).isFalse();                         // miss 3
      assertThat(cache.replace(2, "c", "d")).isTrue();                     // hit 4, put 4
      assertThat(cache.replace(2, "zz", "e")).isFalse();                   // hit 5
      assertThat(cache.remove(3)).isFalse();                               // nothing
      assertThat(cache.remove(2)).isTrue();                                // removal 1
      assertThat(cache.getAndRemove(1)).isEqualTo("a");                    // hit 6, removal 2
      cache.invoke(5, (entry, arguments) -> null);                         // miss 4
      cache.invoke(5, (entry, arguments) -> {                              // miss 5, put 5
        entry.setValue("v");
        return null;
      });
      String read = cache.invoke(5, (entry, arguments) -> entry.getValue()); // hit 7
      assertThat(read).isEqualTo("v");
      assertThat(cache.getAll(Set.of(5, 6))).containsOnlyKeys(5);         // hit 8, miss 6
      assertThat(cache.containsKey(5)).isTrue();                           // nothing
      Iterator<Cache.Entry<Integer, String>> entries = cache.iterator();   // hit 9
      assertThat(entries.next().getKey()).isEqualTo(5);
      assertThat(entries.hasNext()).isFalse();

      ObjectName name = ManagementRegistry.objectName((CairnCache<?, ?>) cache,
          ManagementRegistry.Kind.CacheStatistics);
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      assertThat(server.getAttribute(name, "CacheHits")).isEqualTo(9L);
      assertThat(server.getAttribute(name, "CacheMisses")).isEqualTo(6L);
      assertThat(server.getAttribute(name, "CacheGets")).isEqualTo(15L);
      assertThat(server.getAttribute(name, "CachePuts")).isEqualTo(5L);
      assertThat(server.getAttribute(name, "CacheRemovals")).isEqualTo(2L);
      assertThat(server.getAttribute(name, "CacheEvictions")).isEqualTo(0L);
      assertThat(server.getAttribute(name, "CacheHitPercentage")).isEqualTo(60f);
      assertThat(server.getAttribute(name, "CacheMissPercentage")).isEqualTo(40f);
      assertThat((Float) server.getAttribute(name, "AverageGetTime")).isGreaterThan(0f);
      assertThat((Float) server.getAttribute(name, "AveragePutTime")).isGreaterThan(0f);

      server.invoke(name, "clear", null, null);
      assertThat(server.getAttribute(name, "CacheGets")).isEqualTo(0L);
      assertThat(server.getAttribute(name, "CachePuts")).isEqualTo(0L);

      manager.enableStatistics("stats", false);
      assertThat(server.isRegistered(name)).isFalse();
      cache.get(5);
      manager.enableStatistics("stats", true);
      assertThat(server.getAttribute(name, "CacheGets"))
          .as("nothing is counted while statistics are off").isEqualTo(0L);
    }
  }

  /** A writer that keeps what it is given in {@link #WRITTEN}. */
  public static final class MapWriter implements CacheWriter<Object, Object>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Cache.Entry<?, ?> entry) {
      WRITTEN.put(entry.getKey(), entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<?, ?>> entries) {
      entries.forEach(this::write);
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      WRITTEN.remove(key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      keys.forEach(this::delete);
      keys.clear();
    }
  }
}
