package dev.cairn.cache.jcache;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * The application's own store as a cache sees it: its {@link CacheLoader} and
 * {@link CacheWriter}, with every failure reported as JSR-107 says (a
 * {@link CacheLoaderException} or {@link CacheWriterException} naming the cache) and the batch
 * calls' partial success read back from the collections the writer was handed.
 */
final class SystemOfRecord<K, V> {

  /** What a batch write or delete left undone: the keys not written, and why, or none. */
  record Outcome(Set<Object> failedKeys, CacheWriterException failure) {
  }

  private final String cacheName;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<K, V> writer;

  SystemOfRecord(String cacheName, CacheLoader<K, V> loader, CacheWriter<K, V> writer) {
    this.cacheName = cacheName;
    this.loader = loader;
    this.writer = writer;
  }

  boolean hasLoader() {
    return loader != null;
  }

  boolean hasWriter() {
    return writer != null;
  }

  V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("The loader " + loader.getClass().getName() + " of cache '"
          + cacheName + "' failed to load a key", e);
    }
  }

  Map<K, V> loadAll(Set<K> keys) {
    try {
      Map<K, V> loaded = loader.loadAll(keys);
      return loaded == null ? Map.of() : loaded;
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("The loader " + loader.getClass().getName() + " of cache '"
          + cacheName + "' failed to load " + keys.size() + " keys", e);
    }
  }

  void write(K key, V value) {
    try {
      writer.write(new CairnEntry<>(key, value));
    } catch (Exception e) {
      throw writerFailure("write", e);
    }
  }

  void delete(K key) {
    try {
      writer.delete(key);
    } catch (Exception e) {
      throw writerFailure("delete", e);
    }
  }

  /**
   * Hands every entry to {@code writeAll}; JSR-107 writers remove what they wrote from the
   * collection, so what is left after a failure was not written.
   */
  Outcome writeAll(Map<? extends K, ? extends V> entries) {
    List<Cache.Entry<? extends K, ? extends V>> unwritten = new ArrayList<>(entries.size());
    entries.forEach((key, value) -> unwritten.add(new CairnEntry<>(key, value)));
    try {
      writer.writeAll(unwritten);
      return new Outcome(Set.of(), null);
    } catch (Exception e) {
      Set<Object> failed = new HashSet<>();
      unwritten.forEach(entry -> failed.add(entry.getKey()));
      return new Outcome(failed, writerFailure("writeAll", e));
    }
  }

  /** Hands every key to {@code deleteAll}; as {@link #writeAll}, what is left was not deleted. */
  Outcome deleteAll(List<K> keys) {
    List<Object> undeleted = new ArrayList<>(keys);
    try {
      writer.deleteAll(undeleted);
      return new Outcome(Set.of(), null);
    } catch (Exception e) {
      return new Outcome(new HashSet<>(undeleted), writerFailure("deleteAll", e));
    }
  }

  /** Closes the loader and the writer if they are {@link Closeable}, as the cache closes. */
  void close() {
    closeQuietly(loader);
    closeQuietly(writer);
  }

  private CacheWriterException writerFailure(String method, Exception e) {
    if (e instanceof CacheWriterException writerException) {
      return writerException;
    }
    return new CacheWriterException("The writer " + writer.getClass().getName() + " of cache '"
        + cacheName + "' failed in " + method + "; the cache is unchanged for the entries it did"
        + " not write", e);
  }

  static void closeQuietly(Object resource) {
    if (resource instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        System.getLogger(SystemOfRecord.class.getName()).log(Level.WARNING,
            () -> "Closing " + resource.getClass().getName() + " failed", e);
      }
    }
  }
}
