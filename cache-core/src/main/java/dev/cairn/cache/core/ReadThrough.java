package dev.cairn.cache.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The read-through paths of {@link TieredCache#get(Object, Function)} and
 * {@link TieredCache#getAll(Set, Function)}: one load per key in flight (see
 * {@link LoadsInFlight}), loaders run outside every lock, and a load's value settled under the
 * key's lock, where a write made meanwhile wins.
 */
final class ReadThrough<K, V> {

  private final TieredCache<K, V> cache;
  private final LoadsInFlight<K, V> loads;

  ReadThrough(TieredCache<K, V> cache, LoadsInFlight<K, V> loads) {
    this.cache = cache;
    this.loads = loads;
  }

  /**
   * What a reader found under the key's lock: a value some tier holds, or the key's load, which
   * it either joined ({@code owner} false) or started.
   */
  private record Lookup<V>(V value, LoadsInFlight.Load<V> load, boolean owner) {
  }

  /**
   * The miss path of {@link TieredCache#get(Object, Function)}: finds the key absent under its
   * lock (another thread may have written or loaded it since the lock-free read) and joins or
   * starts its load.
   */
  V load(K key, Function<? super K, ? extends V> loader) {
    Lookup<V> lookup = cache.withKey(key, true, slot -> {
      V current = slot.load(false);
      if (current != null) {
        return new Lookup<>(current, null, false);
      }
      LoadsInFlight.Load<V> running = loads.get(key);
      return running != null ? new Lookup<>(null, running, false)
          : new Lookup<>(null, loads.start(key), true);
    });
    if (lookup.load() == null) {
      return lookup.value();
    }
    if (!lookup.owner()) {
      return lookup.load().awaitSettled();
    }
    LoadsInFlight.Load<V> load = lookup.load();
    V loaded;
    try {
      loaded = loader.apply(key);
    } catch (RuntimeException | Error e) {
      endFailedLoad(key, load, e);
      throw e;
    }
    load.loaded(loaded);
    return settle(key, load, loaded);
  }

  // The waiters are failed before the key's lock is taken: an entry processor holding that lock
  // may be waiting for this load (see KeySlot#loadUnderLock).
  private void endFailedLoad(K key, LoadsInFlight.Load<V> load, Throwable failure) {
    load.fail(failure);
    cache.withKey(key, true, slot -> {
      loads.end(key, load);
      return null;
    });
  }

  /**
   * Stores what a load returned unless the key was written or invalidated meanwhile, and hands
   * readers the outcome: the loaded value, or what a write left. The caller has completed
   * {@link LoadsInFlight.Load#loaded} first, before taking the key's lock.
   */
  private V settle(K key, LoadsInFlight.Load<V> load, V loaded) {
    V outcome;
    try {
      outcome = cache.withKey(key, false, slot -> {
        loads.end(key, load);
        V current = slot.load(false);
        if (load.written() || current != null) {
          return current;
        }
        // Invalidated by another process: maybe the value it replaced, so not kept, but still
        // the answer to this read (the bus's window), not a miss.
        if (loaded != null && !load.invalidated()) {
          slot.store(loaded);
        }
        return loaded;
      });
    } catch (RuntimeException | Error e) {
      load.fail(e);
      throw e;
    }
    load.settle(outcome);
    return outcome;
  }

  /**
   * The miss path of {@link TieredCache#getAll(Set, Function)}: {@code found} holds what the tiers
   * had; the other keys are read again under their locks, then joined or loaded in one call.
   */
  Map<K, V> loadAll(Set<? extends K> keys, Map<K, V> found,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> loader) {
    Map<K, LoadsInFlight.Load<V>> owned = new LinkedHashMap<>();
    Map<K, LoadsInFlight.Load<V>> joined = new LinkedHashMap<>();
    for (K key : keys) {
      if (found.containsKey(key)) {
        continue;
      }
      cache.withKey(key, true, slot -> {
        V current = slot.load(false);
        if (current != null) {
          found.put(key, current);
        } else if (loads.get(key) != null) {
          joined.put(key, loads.get(key));
        } else {
          owned.put(key, loads.start(key));
        }
        return null;
      });
    }
    if (!owned.isEmpty()) {
      Map<? extends K, ? extends V> loaded;
      try {
        loaded = loader.apply(java.util.Collections.unmodifiableSet(owned.keySet()));
      } catch (RuntimeException | Error e) {
        owned.forEach((key, load) -> endFailedLoad(key, load, e));
        throw e;
      }
      Map<? extends K, ? extends V> results = loaded == null ? Map.of() : loaded;
      // Every raw outcome is out before any key's lock is taken (a processor holding one key's
      // lock may wait for another's), and our own loads are settled before we wait for anyone
      // else's, so two such calls that each wait for the other's keys never wait in a circle.
      owned.forEach((key, load) -> load.loaded(results.get(key)));
      owned.forEach((key, load) -> {
        V value = settle(key, load, results.get(key));
        if (value != null) {
          found.put(key, value);
        }
      });
    }
    joined.forEach((key, load) -> {
      V value = load.awaitSettled();
      if (value != null) {
        found.put(key, value);
      }
    });
    Map<K, V> ordered = new LinkedHashMap<>();
    for (K key : keys) {
      V value = found.get(key);
      if (value != null) {
        ordered.put(key, value);
      }
    }
    return ordered;
  }
}
