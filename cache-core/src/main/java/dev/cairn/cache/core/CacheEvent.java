package dev.cairn.cache.core;

import java.util.Objects;

/**
 * One change to one entry.
 *
 * <p>{@link #newValue()} is the value after the change ({@code null} for removed, expired and
 * evicted entries); {@link #oldValue()} the value before it ({@code null} for created entries).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheEvent<K, V> {

  private final String cacheName;
  private final EventType type;
  private final K key;
  private final V oldValue;
  private final V newValue;

  CacheEvent(String cacheName, EventType type, K key, V oldValue, V newValue) {
    this.cacheName = cacheName;
    this.type = type;
    this.key = key;
    this.oldValue = oldValue;
    this.newValue = newValue;
  }

  /** Returns the name of the cache that changed. */
  public String cacheName() {
    return cacheName;
  }

  /** Returns what happened. */
  public EventType type() {
    return type;
  }

  /** Returns the key. */
  public K key() {
    return key;
  }

  /** Returns the value before the change, or {@code null} for a created entry. */
  public V oldValue() {
    return oldValue;
  }

  /** Returns the value after the change, or {@code null} if the entry is gone. */
  public V newValue() {
    return newValue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheEvent<?, ?> e
        && type == e.type && cacheName.equals(e.cacheName) && key.equals(e.key)
        && Objects.equals(oldValue, e.oldValue) && Objects.equals(newValue, e.newValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, key, oldValue, newValue);
  }

  @Override
  public String toString() {
    // Values are left out on purpose: they may be private data and end up in logs.
    return "CacheEvent[" + type + " in '" + cacheName + "', key type "
        + key.getClass().getName() + "]";
  }
}
