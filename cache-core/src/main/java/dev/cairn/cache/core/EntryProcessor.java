package dev.cairn.cache.core;

/**
 * An atomic read-modify-write of one entry, run while the key's lock is held, across every tier.
 * This is what JCache entry processors and {@link TieredCache#compute} run on.
 *
 * <p>The processor must be quick and must not touch other keys of the same cache: it holds the
 * key's lock and may hold up other keys that share it.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface EntryProcessor<K, V, R> {

  /** Reads or changes the entry and returns a result for the caller. */
  R process(MutableEntry<K, V> entry);
}
