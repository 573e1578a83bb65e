package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.LowerTier;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Walks every key of a cache once and reads each under its lock.
 *
 * <p>Without a lower tier, the keys are those of the memory tier. With one, memory is a subset of
 * the buffer plus the lower tier, so the keys are, segment by segment, those pending in the buffer
 * and then those of the lower tier that were not pending; a key flushed in between is not seen
 * twice.
 */
final class CacheIterator<K, V> implements Iterator<Map.Entry<K, V>> {

  private final TieredCache<K, V> cache;
  private final WriteBehind<K, V> writeBehind;
  private final LowerTier<K, V> lower;
  private final int segments;
  private int segment = -1;
  private Iterator<K> keys;
  private Set<K> pendingKeys = Collections.emptySet();
  private boolean inLowerTier;
  private K nextKey;
  private Map.Entry<K, V> next;
  private K lastReturned;

  CacheIterator(TieredCache<K, V> cache, WriteBehind<K, V> writeBehind, LowerTier<K, V> lower,
      int segments, Set<K> memoryKeys) {
    this.cache = cache;
    this.writeBehind = writeBehind;
    this.lower = lower;
    this.segments = segments;
    this.keys = lower == null ? memoryKeys.iterator() : Collections.emptyIterator();
  }

  /** Advances over keys only, reading no values. */
  boolean hasNextKey() {
    while (nextKey == null) {
      if (keys.hasNext()) {
        K key = keys.next();
        if (!inLowerTier || !pendingKeys.contains(key)) {
          nextKey = key;
        }
      } else if (!nextSource()) {
        return false;
      }
    }
    return true;
  }

  K nextKey() {
    if (!hasNextKey()) {
      throw new NoSuchElementException();
    }
    K key = nextKey;
    nextKey = null;
    return key;
  }

  private boolean nextSource() {
    if (lower == null) {
      return false;
    }
    if (!inLowerTier && segment >= 0) {
      inLowerTier = true;
      keys = lower.keys(segment);
      return true;
    }
    if (segment + 1 >= segments) {
      return false;
    }
    segment++;
    inLowerTier = false;
    pendingKeys = new HashSet<>(writeBehind.pendingKeys(segment));
    keys = pendingKeys.iterator();
    return true;
  }

  @Override
  public boolean hasNext() {
    while (next == null && hasNextKey()) {
      K key = nextKey();
      V value = cache.readForIteration(key);
      if (value != null) {
        next = new AbstractMap.SimpleImmutableEntry<>(key, value);
      }
    }
    return next != null;
  }

  @Override
  public Map.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Map.Entry<K, V> entry = next;
    next = null;
    lastReturned = entry.getKey();
    return entry;
  }

  @Override
  public void remove() {
    if (lastReturned == null) {
      throw new IllegalStateException("next() has not returned an entry to remove");
    }
    cache.remove(lastReturned);
    lastReturned = null;
  }
}
