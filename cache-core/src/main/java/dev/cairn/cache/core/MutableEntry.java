package dev.cairn.cache.core;

/**
 * The entry an {@link EntryProcessor} works on, under the key's lock. Changes take effect when the
 * processor returns normally; if it throws, the cache is unchanged.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface MutableEntry<K, V> {

  /** Returns the key. */
  K getKey();

  /** Returns whether the entry holds a value, taking the processor's own changes into account. */
  boolean exists();

  /**
   * Returns the value, or {@code null} if there is none. Reading a value that was in the cache
   * before the processor ran counts as a hit (a miss if there was none) and as an access for expiry.
   */
  V getValue();

  /** Sets the value; the last of {@code setValue} and {@link #remove} wins. */
  void setValue(V value);

  /** Removes the entry; the last of {@link #setValue} and {@code remove} wins. */
  void remove();
}
