package dev.cairn.cache.core;

/**
 * Receives changes to a cache's entries. For one key, a listener sees events in the order the
 * operations took effect.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheEventListener<K, V> {

  /** Called once per event; see {@link TieredCache#registerListener} for on which thread. */
  void onEvent(CacheEvent<K, V> event);
}
