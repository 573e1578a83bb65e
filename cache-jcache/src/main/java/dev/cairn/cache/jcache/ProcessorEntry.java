package dev.cairn.cache.jcache;

import java.util.Objects;
import javax.cache.processor.MutableEntry;

/**
 * The entry a JCache entry processor works on: a view over the engine's entry (so the whole
 * processor runs under the key's lock, across tiers) that adds read-through on
 * {@link #getValue()} and write-through of the processor's final change.
 *
 * <p>Only the last change counts, as JSR-107 says; a value created and then removed in the same
 * processor is no change at all, and a value read through the loader is stored without reaching
 * the writer.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

  private enum Change { NONE, LOADED, SET, REMOVED }

  private final dev.cairn.cache.core.MutableEntry<K, V> entry;
  private final SystemOfRecord<K, V> records;
  private final boolean readThrough;
  private final Copier copier;
  private Change change = Change.NONE;
  private V value;

  ProcessorEntry(dev.cairn.cache.core.MutableEntry<K, V> entry, SystemOfRecord<K, V> records,
      boolean readThrough, Copier copier) {
    this.entry = entry;
    this.records = records;
    this.readThrough = readThrough;
    this.copier = copier;
  }

  @Override
  public K getKey() {
    return entry.getKey();
  }

  @Override
  public boolean exists() {
    return switch (change) {
      case LOADED, SET -> true;
      case REMOVED -> false;
      case NONE -> entry.exists();
    };
  }

  @Override
  public V getValue() {
    switch (change) {
      case LOADED, SET -> {
        return copier.copy(value, "value");
      }
      case REMOVED -> {
        return null;
      }
      default -> {
        V current = entry.getValue();
        if (current == null && readThrough) {
          // Waits for a load of the key in flight, if a reader started one, instead of loading.
          V loaded = entry.load(records::load);
          if (loaded != null) {
            change = Change.LOADED;
            value = loaded;
            return copier.copy(loaded, "value");
          }
        }
        return copier.copy(current, "value");
      }
    }
  }

  @Override
  public void remove() {
    boolean undoesCreate = change == Change.LOADED
        || (change == Change.SET && !entry.exists());
    change = undoesCreate ? Change.NONE : Change.REMOVED;
    value = null;
  }

  @Override
  public void setValue(V newValue) {
    Objects.requireNonNull(newValue, "value");
    change = Change.SET;
    value = copier.copy(newValue, "value");
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A Cairn processor entry cannot be unwrapped to "
        + clazz.getName());
  }

  /**
   * Applies the processor's final change to the engine's entry, writing it through first: a writer
   * that throws leaves the cache unchanged.
   */
  void apply(SystemOfRecord<K, V> records) {
    switch (change) {
      case SET -> {
        if (records.hasWriter()) {
          records.write(getKey(), value);
        }
        entry.setValue(value);
      }
      case LOADED -> entry.setValue(value);
      case REMOVED -> {
        if (records.hasWriter()) {
          records.delete(getKey());
        }
        entry.remove();
      }
      case NONE -> { }
    }
  }
}
