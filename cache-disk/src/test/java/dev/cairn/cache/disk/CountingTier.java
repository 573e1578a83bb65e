package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.PreparedWrite;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lower tier that passes everything to another, counts the reads that found a value, and yields
 * the processor after each read: that widens the window in which a write of the same key can
 * overtake the read, so races between reads from below and writes show up in fewer operations.
 */
final class CountingTier<K, V> implements LowerTier<K, V> {

  private final LowerTier<K, V> delegate;
  private final LongAdder hits;

  CountingTier(LowerTier<K, V> delegate, LongAdder hits) {
    this.delegate = delegate;
    this.hits = hits;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void open(TierContext<K, V> context) {
    delegate.open(context);
  }

  @Override
  public PreparedWrite prepare(K key, V value) {
    return delegate.prepare(key, value);
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
  public void write(int segment, List<TierWrite<K, V>> batch) {
    delegate.write(segment, batch);
  }

  @Override
  public Iterator<K> keys(int segment) {
    return delegate.keys(segment);
  }

  @Override
  public long size() {
    return delegate.size();
  }


  @Override
  public long storedBytes() {
    return delegate.storedBytes();
  }

  @Override
  public void clear(int segment) {
    delegate.clear(segment);
  }

  @Override
  public void saveHotKeys(List<K> hottestFirst) {
    delegate.saveHotKeys(hottestFirst);
  }

  @Override
  public List<K> hotKeys() {
    return delegate.hotKeys();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
