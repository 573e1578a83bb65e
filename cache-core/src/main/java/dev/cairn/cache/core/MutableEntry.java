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

  /**
   * Loads the key's value with {@code loader}, for a processor that reads through to a system of
   * record: if another reader's load of the key is in flight ({@link TieredCache#get(Object,
   * java.util.function.Function)}), waits for that load's value instead of loading again, so a key
   * is loaded once however it is read. Stores nothing: the processor decides with
   * {@link #setValue}. Runs under the key's lock, like the rest of the processor.
   */
  default V load(java.util.function.Function<? super K, ? extends V> loader) {
    return loader.apply(getKey());
  }
}
