package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.ForwardingTier;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierEntry;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lower tier that passes everything to another, counts the reads that found a value, and yields
 * the processor after each read: that widens the window in which a write of the same key can
 * overtake the read, so races between reads from below and writes show up in fewer operations.
 */
final class CountingTier<K, V> extends ForwardingTier<K, V> {

  private final LongAdder hits;

  CountingTier(LowerTier<K, V> delegate, LongAdder hits) {
    super(delegate);
    this.hits = hits;
  }

  @Override
  public TierEntry<V> read(int segment, K key) {
    TierEntry<V> entry = delegate.read(segment, key);
    // Let a writer of this key run now, between the read and whatever the caller does with it.
    Thread.yield();
    if (entry != null) {
      hits.increment();
    }
    return entry;
  }

  @Override
  public Map<K, TierEntry<V>> readAll(int segment, Collection<? extends K> keys) {
    Map<K, TierEntry<V>> found = delegate.readAll(segment, keys);
    Thread.yield();
    hits.add(found.size());
    return found;
  }
}
