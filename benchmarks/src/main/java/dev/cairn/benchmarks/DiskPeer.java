package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.nio.file.Path;
import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * The persistent stores the disk workloads compare, each opened in a fresh directory: Cairn with
 * its disk tier, Ehcache 3 with a heap tier over a persistent disk tier, and raw MapDB 3.1.0 in the
 * three configurations that matter (its write-ahead log over a FileChannel or over mmap, and no log
 * at all). The two caches hold {@code memoryEntries} entries in memory; MapDB has no memory tier
 * beyond the page cache, which every store shares.
 *
 * <p>Durability differs and is part of what is compared: Cairn writes behind and makes a write
 * durable within its flush interval (100 ms by default); Ehcache writes its disk tier in the
 * calling thread but forces nothing; MapDB with its log is durable at each commit, made every
 * {@value #COMMIT_EVERY} puts as Cairn batches its flushes; MapDB without a log is never durable.
 */
public enum DiskPeer {

  /** Cairn: memory tier over the disk tier, defaults (8 segments, write-behind every 100 ms). */
  CAIRN {
    @Override CacheUnderTest<String, String> open(Path directory, int memoryEntries) {
      TieredCache<String, String> cache = TieredCache.<String, String>builder("disk")
          .maximumSize(memoryEntries)
          .warmRestart(false)
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
          .build();
      return new CacheUnderTest<>() {
        @Override public String get(String key) {
          return cache.get(key);
        }

        @Override public void put(String key, String value) {
          cache.put(key, value);
        }

        @Override public void close() {
          cache.close();
        }
      };
    }
  },

  /** Ehcache 3: a heap tier over a persistent disk tier, through its own API. */
  EHCACHE {
    @Override CacheUnderTest<String, String> open(Path directory, int memoryEntries) {
      PersistentCacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
          .with(CacheManagerBuilder.persistence(directory.toFile()))
          .withCache("disk", CacheConfigurationBuilder.newCacheConfigurationBuilder(
              String.class, String.class, ResourcePoolsBuilder.newResourcePoolsBuilder()
                  .heap(memoryEntries, EntryUnit.ENTRIES)
                  .disk(2, MemoryUnit.GB, true)))
          .build(true);
      Cache<String, String> cache = manager.getCache("disk", String.class, String.class);
      return new CacheUnderTest<>() {
        @Override public String get(String key) {
          return cache.get(key);
        }

        @Override public void put(String key, String value) {
          cache.put(key, value);
        }

        @Override public void close() {
          manager.close();
        }
      };
    }
  },

  /** Raw MapDB over a FileChannel with its write-ahead log, committing every few puts. */
  MAPDB_LOG {
    @Override CacheUnderTest<String, String> open(Path directory, int memoryEntries) {
      return mapdb(DBMaker.fileDB(directory.resolve("store.db").toFile())
          .fileChannelEnable().transactionEnable().make(), true);
    }
  },

  /** Raw MapDB over mmap with its write-ahead log, committing every few puts. */
  MAPDB_MMAP_LOG {
    @Override CacheUnderTest<String, String> open(Path directory, int memoryEntries) {
      return mapdb(DBMaker.fileDB(directory.resolve("store.db").toFile())
          .fileMmapEnableIfSupported().cleanerHackEnable().transactionEnable().make(), true);
    }
  },

  /** Raw MapDB over a FileChannel, no log, nothing forced: not durable, the store alone. */
  MAPDB_NO_LOG {
    @Override CacheUnderTest<String, String> open(Path directory, int memoryEntries) {
      return mapdb(DBMaker.fileDB(directory.resolve("store.db").toFile())
          .fileChannelEnable().make(), false);
    }
  };

  /** Puts between two commits of the MapDB variants with a log: Cairn's default batch size. */
  static final int COMMIT_EVERY = 512;

  /** Opens this store in {@code directory}, an empty directory the caller deletes afterwards. */
  abstract CacheUnderTest<String, String> open(Path directory, int memoryEntries);

  private static CacheUnderTest<String, String> mapdb(DB db, boolean commits) {
    HTreeMap<String, String> map = db.hashMap("entries", Serializer.STRING, Serializer.STRING)
        .createOrOpen();
    return new CacheUnderTest<>() {
      private int uncommitted;

      @Override public String get(String key) {
        return map.get(key);
      }

      @Override public void put(String key, String value) {
        map.put(key, value);
        if (commits && ++uncommitted == COMMIT_EVERY) {
          db.commit();
          uncommitted = 0;
        }
      }

      @Override public void close() {
        if (commits) {
          db.commit();
        }
        db.close();
      }
    };
  }
}
