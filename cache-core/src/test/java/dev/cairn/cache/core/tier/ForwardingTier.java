package dev.cairn.cache.core.tier;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A lower tier that passes every call to another, for test decorators that change one or two calls
 * (inject faults, count reads) and must pass the rest on unchanged.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class ForwardingTier<K, V> implements LowerTier<K, V> {

  /** The tier every call goes to. */
  protected final LowerTier<K, V> delegate;

  protected ForwardingTier(LowerTier<K, V> delegate) {
    this.delegate = delegate;
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
    return delegate.read(segment, key);
  }

  @Override
  public Map<K, TierEntry<V>> readAll(int segment, Collection<? extends K> keys) {
    return delegate.readAll(segment, keys);
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
