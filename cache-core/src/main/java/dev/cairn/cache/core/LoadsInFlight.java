package dev.cairn.cache.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loads running now, one per key (invariant "One load per key"): a reader that misses a key
 * whose load is in flight waits for that load instead of starting its own.
 *
 * <p>A load is registered under the key's lock, when the read found the key absent in every tier,
 * and runs outside any lock, so a slow loader stalls only the readers of its own key. A write of
 * the key while the load runs marks it {@link Load#written}; the owner then does not store what it
 * loaded, and every waiter gets the written value instead. An invalidation for another process's
 * change marks it {@link Load#invalidated}: the owner does not store what it loaded either (it may
 * have read the value the other process replaced), but its readers still get it, since no write
 * here left anything better to return; a miss would tell them the key does not exist.
 */
final class LoadsInFlight<K, V> {

  /** One key's load: its raw outcome, then the value readers get. */
  static final class Load<V> {
    // What the loader returned (or threw), completed before the owner takes the key's lock to
    // store it: an entry processor that holds the lock may wait for it without deadlock.
    private final CompletableFuture<V> loaded = new CompletableFuture<>();
    // What readers get: the loaded value once stored, or what a write left meanwhile.
    private final CompletableFuture<V> settled = new CompletableFuture<>();
    // Set under the key's lock by any write of the key while the load is registered.
    private boolean written;
    // Set under the key's lock when another process's change drops the key here meanwhile.
    private boolean invalidated;

    boolean written() {
      return written;
    }

    boolean invalidated() {
      return invalidated;
    }

    void loaded(V value) {
      loaded.complete(value);
    }

    void settle(V value) {
      settled.complete(value);
    }

    void fail(Throwable failure) {
      loaded.completeExceptionally(failure);
      settled.completeExceptionally(failure);
    }

    /** Waits for the value readers get; rethrows the loader's failure as it was thrown. */
    V awaitSettled() {
      return await(settled);
    }

    /** Waits for what the loader returned, for a caller that stores it itself. */
    V awaitLoaded() {
      return await(loaded);
    }

    private static <V> V await(CompletableFuture<V> future) {
      try {
        return future.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }

  private final ConcurrentHashMap<K, Load<V>> loads = new ConcurrentHashMap<>();

  /** Returns the load in flight for the key, or null; the caller holds the key's lock. */
  Load<V> get(K key) {
    return loads.isEmpty() ? null : loads.get(key);
  }

  /** Registers a new load of the key; the caller holds the key's lock and found none. */
  Load<V> start(K key) {
    Load<V> load = new Load<>();
    loads.put(key, load);
    return load;
  }

  /** Ends the key's load; the caller holds the key's lock. */
  void end(K key, Load<V> load) {
    loads.remove(key, load);
  }

  /** Marks the key's load, if any, as overtaken by a write; the caller holds the key's lock. */
  void written(K key) {
    Load<V> load = get(key);
    if (load != null) {
      load.written = true;
    }
  }

  /** Marks every load as overtaken (a clear); the caller holds every key's lock. */
  void allWritten() {
    loads.values().forEach(load -> load.written = true);
  }

  /**
   * Marks the key's load, if any, as not to be stored, for another process's change; the caller
   * holds the key's lock.
   */
  void invalidated(K key) {
    Load<V> load = get(key);
    if (load != null) {
      load.invalidated = true;
    }
  }

  /** Marks every load as not to be stored (another process cleared); holds every key's lock. */
  void allInvalidated() {
    loads.values().forEach(load -> load.invalidated = true);
  }
}
