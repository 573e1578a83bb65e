package dev.cairn.cache.core;

/**
 * Gives the weight of an entry when the memory tier is bounded by weight instead of by count.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface Weigher<K, V> {

  /** Returns the entry's weight, zero or more. It is taken once, when the entry enters memory. */
  int weigh(K key, V value);
}
