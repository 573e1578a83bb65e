package dev.cairn.cache.jcache;

import java.util.Objects;
import javax.cache.Cache;

/** An entry handed out by iteration, and handed to a {@link javax.cache.integration.CacheWriter}. */
final class CairnEntry<K, V> implements Cache.Entry<K, V> {

  private final K key;
  private final V value;

  CairnEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A Cairn cache entry cannot be unwrapped to "
        + clazz.getName() + "; it unwraps to " + CairnEntry.class.getName() + " only");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cache.Entry<?, ?> e && key.equals(e.getKey())
        && Objects.equals(value, e.getValue());
  }

  @Override
  public int hashCode() {
    return key.hashCode() ^ Objects.hashCode(value);
  }

  @Override
  public String toString() {
    // The value is left out on purpose: it may be private data and end up in logs.
    return "CacheEntry[key type " + key.getClass().getName() + "]";
  }
}
