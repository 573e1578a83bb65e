package dev.cairn.benchmarks;

/**
 * The three operations the memory and disk workloads make, over whichever cache a benchmark
 * compares. Each fork of a benchmark builds exactly one implementation, so the call stays
 * monomorphic and the JIT inlines it: every provider pays the same, negligible, indirection.
 */
public interface CacheUnderTest<K, V> extends AutoCloseable {

  /** Returns the value for the key, or null. */
  V get(K key);

  /** Stores the value for the key. */
  void put(K key, V value);

  /** Releases the cache and everything it holds open. */
  @Override
  void close();
}
