package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.KeyPlacement;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The locks that make every operation on one key atomic across the tiers: a key's lock is the
 * stripe its mixed hash picks (the low bits; {@link KeyPlacement} takes the segment from the high
 * ones). Several stripes are always taken in ascending order, by {@link #withAll} and by
 * {@link #lockAll}, so two threads that hold more than one never wait for each other in a circle.
 */
final class KeyStripes {

  // Enough stripes that two keys rarely share one on a small machine, few enough to lock all.
  private static final int STRIPES = 256;

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  KeyStripes() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** The stripe index of a hash mixed by {@link KeyPlacement#spread}. */
  static int indexOf(int spreadHash) {
    return spreadHash & (STRIPES - 1);
  }

  /** The lock of a hash mixed by {@link KeyPlacement#spread}. */
  ReentrantLock of(int spreadHash) {
    return stripes[indexOf(spreadHash)];
  }

  /** Runs {@code action} holding every stripe. */
  void withAll(Runnable action) {
    int locked = 0;
    try {
      for (; locked < STRIPES; locked++) {
        stripes[locked].lock();
      }
      action.run();
    } finally {
      for (int i = 0; i < locked; i++) {
        stripes[i].unlock();
      }
    }
  }

  /**
   * Locks the stripes of the keys, in ascending order, and returns what to hand to
   * {@link #unlockAll}; if a lock cannot be taken (an error), the ones taken are released.
   */
  <K> int[] lockAll(Collection<K> keys) {
    int[] indexes = keys.stream().mapToInt(key -> indexOf(KeyPlacement.spread(key.hashCode())))
        .distinct().sorted().toArray();
    int locked = 0;
    try {
      for (; locked < indexes.length; locked++) {
        stripes[indexes[locked]].lock();
      }
    } catch (RuntimeException | Error e) {
      unlock(indexes, locked);
      throw e;
    }
    return indexes;
  }

  void unlockAll(int[] indexes) {
    unlock(indexes, indexes.length);
  }

  private void unlock(int[] indexes, int count) {
    for (int i = 0; i < count; i++) {
      stripes[indexes[i]].unlock();
    }
  }
}
