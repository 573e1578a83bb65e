package dev.cairn.cache.jcache;

import dev.cairn.cache.core.CacheWriteException;
import dev.cairn.cache.core.WriteBehindQueue;
import dev.cairn.cache.core.tier.PartialBatchException;
import dev.cairn.cache.core.tier.TierWrite;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 *
 * <p>With write-behind to the writer ({@link CairnConfiguration#setWriteBehindToWriter}),
 * {@link #write} and {@link #delete} queue the change in a {@link WriteBehindQueue}, which hands
 * the writer coalesced batches later; callers make a key's changes under the engine's lock of the
 * key, which keeps them in order.
 */
final class SystemOfRecord<K, V> {

  /** What a batch write or delete left undone: the keys not written, and why, or none. */
  record Outcome(Set<Object> failedKeys, CacheWriterException failure) {
  }

  private final String cacheName;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<K, V> writer;
  private final WriteBehindQueue<K, V> behind;

  /**
   * @param behind the configuration whose write-behind settings feed the writer's queue, or
   *     {@code null} to call the writer through
   */
  SystemOfRecord(String cacheName, CacheLoader<K, V> loader, CacheWriter<K, V> writer,
      CairnConfiguration<K, V> behind) {
    this.cacheName = cacheName;
    this.loader = loader;
    this.writer = writer;
    this.behind = writer == null || behind == null ? null
        : WriteBehindQueue.<K, V>builder(cacheName + "-writer",
                "the writer " + writer.getClass().getName(), this::writeBatch)
            .segments(behind.getSegments())
            .flushInterval(behind.getFlushInterval())
            .flushBatchSize(behind.getFlushBatchSize())
            .writeBufferCapacity(behind.getWriteBufferCapacity())
            .backPressure(behind.getBackPressure(), behind.getBackPressureTimeout())
            .build();
  }

  /** Returns whether writes are queued for the writer rather than written through. */
  boolean isBehind() {
    return behind != null;
  }

  /** Returns the writer's queue, or {@code null} when writes go through. */
  WriteBehindQueue<K, V> queue() {
    return behind;
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

  /** Writes through, or queues the write; the caller holds the key's lock. */
  void write(K key, V value) {
    if (behind != null) {
      queue(() -> behind.put(key, value));
      return;
    }
    try {
      writer.write(new CairnEntry<>(key, value));
    } catch (Exception e) {
      throw writerFailure("write", e);
    }
  }

  /** Deletes through, or queues the delete; the caller holds the key's lock. */
  void delete(K key) {
    if (behind != null) {
      queue(() -> behind.remove(key));
      return;
    }
    try {
      writer.delete(key);
    } catch (Exception e) {
      throw writerFailure("delete", e);
    }
  }

  private void queue(Runnable change) {
    try {
      change.run();
    } catch (CacheWriteException e) {
      // A full buffer that stayed full, or the writer failing a write made on this thread.
      throw new CacheWriterException("The write-behind queue of cache '" + cacheName + "' did not"
          + " take the change; the cache is unchanged: " + e.getMessage(), e);
    }
  }

  /**
   * Hands a batch from the writer's queue to the writer: the values through {@code writeAll},
   * then the removals through {@code deleteAll}. What the writer reports done before a failure is
   * named in a {@link PartialBatchException}, so the queue retries only the rest.
   */
  private void writeBatch(List<TierWrite<K, V>> batch) {
    List<TierWrite<K, V>> applied = new ArrayList<>(batch.size());
    Map<Cache.Entry<K, V>, TierWrite<K, V>> writes = new IdentityHashMap<>();
    List<TierWrite<K, V>> deletes = new ArrayList<>();
    for (TierWrite<K, V> change : batch) {
      if (change.isRemoval()) {
        deletes.add(change);
      } else {
        writes.put(new CairnEntry<>(change.key(), change.value()), change);
      }
    }
    if (!writes.isEmpty()) {
      List<Cache.Entry<? extends K, ? extends V>> unwritten = new ArrayList<>(writes.keySet());
      try {
        writer.writeAll(unwritten);
      } catch (Exception e) {
        Set<Object> left = Collections.newSetFromMap(new IdentityHashMap<>());
        left.addAll(unwritten);
        writes.forEach((entry, change) -> {
          if (!left.contains(entry)) {
            applied.add(change);
          }
        });
        throw new PartialBatchException(applied.size() + " of " + batch.size() + " changes"
            + " written", applied, writerFailure("writeAll", e));
      }
      applied.addAll(writes.values());
    }
    if (!deletes.isEmpty()) {
      List<Object> undeleted = new ArrayList<>(deletes.size());
      deletes.forEach(change -> undeleted.add(change.key()));
      try {
        writer.deleteAll(undeleted);
      } catch (Exception e) {
        Set<Object> left = new HashSet<>(undeleted);
        deletes.forEach(change -> {
          if (!left.contains(change.key())) {
            applied.add(change);
          }
        });
        throw new PartialBatchException(applied.size() + " of " + batch.size() + " changes"
            + " written", applied, writerFailure("deleteAll", e));
      }
    }
  }

  /**
   * Returns once every change queued so far has reached the writer; nothing to do when writes go
   * through.
   *
   * @throws CacheWriterException if the writer failed a batch; its changes stay queued
   */
  void flush() {
    if (behind != null) {
      try {
        behind.flush();
      } catch (CacheWriteException e) {
        throw new CacheWriterException("Cache '" + cacheName + "': " + e.getMessage(), e);
      }
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

  /**
   * Hands the writer what is still queued for it, then closes the loader and the writer if they are
   * {@link Closeable}, as the cache closes.
   *
   * @throws CacheWriterException naming how many changes never reached the writer
   */
  void close() {
    try {
      if (behind != null) {
        behind.close();
      }
    } catch (CacheWriteException e) {
      throw new CacheWriterException("Cache '" + cacheName + "': " + e.getMessage(), e);
    } finally {
      closeQuietly(loader);
      closeQuietly(writer);
    }
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
