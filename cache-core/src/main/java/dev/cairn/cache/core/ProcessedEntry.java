package dev.cairn.cache.core;

/**
 * The {@link MutableEntry} an entry processor sees: it records the processor's intent and applies
 * it through the key's {@link TieredCache.Slot} when the processor returns, so a processor that
 * throws leaves the cache unchanged.
 */
final class ProcessedEntry<K, V> implements MutableEntry<K, V> {

  private enum Action { NONE, SET, REMOVE }

  private final KeySlot<K, V> slot;
  // JSR-107 counts an invoke's lookup as a hit or miss; update() counts only getValue() reads.
  private final boolean countLookup;
  private V original;
  private boolean loaded;
  private boolean accessed;
  private Action action = Action.NONE;
  private V value;

  ProcessedEntry(KeySlot<K, V> slot, boolean countLookup) {
    this.slot = slot;
    this.countLookup = countLookup;
  }

  /**
   * The time counter an invoke of this entry adds to: a put or removal if it changed the entry,
   * a get if it read it, none if it did neither.
   */
  java.util.concurrent.atomic.LongAdder timeCounter(StatisticsCounters stats) {
    return switch (action) {
      case SET -> stats.putNanos;
      case REMOVE -> stats.removeNanos;
      case NONE -> countLookup || accessed ? stats.getNanos : null;
    };
  }

  <R> R run(EntryProcessor<K, V, R> processor) {
    if (countLookup) {
      slot.countGet(load());
    }
    R result = processor.process(this);
    switch (action) {
      case SET -> {
        load();
        slot.store(value);
      }
      case REMOVE -> {
        slot.announceRemoval();
        if (load() != null) {
          slot.delete();
        }
      }
      case NONE -> {
        if (accessed) {
          slot.touch();
        }
      }
    }
    return result;
  }

  private V load() {
    if (!loaded) {
      original = slot.load(true);
      loaded = true;
    }
    return original;
  }

  @Override
  public K getKey() {
    return slot.key;
  }

  @Override
  public boolean exists() {
    return switch (action) {
      case SET -> true;
      case REMOVE -> false;
      case NONE -> load() != null;
    };
  }

  @Override
  public V getValue() {
    return switch (action) {
      case SET -> value;
      case REMOVE -> null;
      case NONE -> {
        V current = load();
        if (!accessed) {
          accessed = true;
          if (!countLookup) {
            slot.countGet(current);
          }
        }
        yield current;
      }
    };
  }

  @Override
  public void setValue(V newValue) {
    java.util.Objects.requireNonNull(newValue, "value");
    action = Action.SET;
    value = newValue;
  }

  @Override
  public void remove() {
    action = Action.REMOVE;
    value = null;
  }

  @Override
  public V load(java.util.function.Function<? super K, ? extends V> loader) {
    return slot.loadUnderLock(loader);
  }
}
