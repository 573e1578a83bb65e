package dev.cairn.cache.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a warm-up loader's batch from overwriting newer writes: the loader may read the system of
 * record before a write of one of its keys and return after it, so every write op marks the key
 * here before it takes the key's lock, and the batch stores a value only for keys nobody wrote
 * since the batch was requested, even where the write left the key absent.
 */
final class WarmUpFence<K> {

  // The keys of the batch in flight, mapped to whether a write op touched them since the batch was
  // requested; null when no batch is out. Read by every write op, hence volatile.
  private volatile ConcurrentHashMap<K, Boolean> keysBeingLoaded;

  /** Starts watching a batch's keys for writes. */
  void begin(Set<K> batch) {
    ConcurrentHashMap<K, Boolean> loading = new ConcurrentHashMap<>(batch.size() * 2);
    for (K key : batch) {
      loading.put(key, Boolean.FALSE);
    }
    keysBeingLoaded = loading;
  }

  void end() {
    keysBeingLoaded = null;
  }

  /** Called by every write op before it takes the key's lock. */
  void written(K key) {
    ConcurrentHashMap<K, Boolean> loading = keysBeingLoaded;
    if (loading != null && key != null) {
      loading.replace(key, Boolean.TRUE);
    }
  }

  /** Called by a clear: every key of the batch counts as written. */
  void allWritten() {
    ConcurrentHashMap<K, Boolean> loading = keysBeingLoaded;
    if (loading != null) {
      loading.replaceAll((key, written) -> Boolean.TRUE);
    }
  }

  /** Whether a write op touched the key since its batch was requested. */
  boolean writtenSinceRequested(K key) {
    ConcurrentHashMap<K, Boolean> loading = keysBeingLoaded;
    return loading != null && Boolean.TRUE.equals(loading.get(key));
  }
}
