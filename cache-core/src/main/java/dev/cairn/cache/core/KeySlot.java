package dev.cairn.cache.core;

import static dev.cairn.cache.core.MemoryEntry.ETERNAL;

import dev.cairn.cache.core.tier.PreparedWrite;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierRemoval;
import dev.cairn.cache.core.tier.TierWrite;
import java.time.Duration;
import java.util.function.Function;

/**
 * One operation's view of one key, used while the key's lock is held: what the tiers hold, and
 * the steps that change it. Every operation is built from these steps, so every one follows the
 * same read and write paths.
 */
final class KeySlot<K, V> {

  private final TierStack<K, V> tiers;
  final K key;
  final int segment;
  // Warm-up's slots count nothing: warming is not the application's traffic.
  private final boolean quiet;
  private V value;
  private long expiresAt;
  private MemoryEntry<V> inMemory;
  // What a bulk read found below for this key, used instead of a read of its own.
  private boolean hasPrefetched;
  private TierEntry<V> prefetched;
  // What the coherence layer was told of this operation's change, for the writer to wait for.
  private java.util.concurrent.CompletionStage<?> told;

  KeySlot(TierStack<K, V> tiers, K key, int segment, boolean quiet) {
    this.tiers = tiers;
    this.key = key;
    this.segment = segment;
    this.quiet = quiet;
  }

  private boolean counting() {
    return !quiet && tiers.statisticsEnabled();
  }

  /**
   * Reads the key through the tiers: memory, pending buffer, lower tier. An expired entry found
   * on the way is dropped from every tier (an EXPIRED event) and reads as absent. Counts tier
   * statistics if {@code countTiers}.
   */
  V load(boolean countTiers) {
    boolean statistics = countTiers && counting();
    MemoryEntry<V> entry = tiers.memory.getIfPresent(key);
    if (entry != null) {
      if (statistics && !tiers.isExpired(entry.expiresAt())) {
        tiers.stats.memoryHits.increment();
      } else if (statistics) {
        // An expired value is served by no tier; below, the same expiry is stored with it.
        tiers.stats.memoryMisses.increment();
        if (tiers.lower != null) {
          tiers.stats.lowerMisses.increment();
        }
      }
      return found(entry.value(), entry.expiresAt(), entry);
    }
    if (statistics) {
      tiers.stats.memoryMisses.increment();
    }
    if (tiers.lower == null) {
      return absent();
    }
    TierEntry<V> below = below();
    if (statistics) {
      (below == null || tiers.isExpired(below.expiresAtMillis()) ? tiers.stats.lowerMisses : tiers.stats.lowerHits)
          .increment();
    }
    return below == null ? absent() : found(below.value(), below.expiresAtMillis(), null);
  }

  /** What is below memory: the pending write (none for a tombstone), else the lower tier's. */
  private TierEntry<V> below() {
    TierWrite<K, V> pending = tiers.writeBehind.pending(segment, key);
    if (pending != null) {
      return pending.isRemoval() ? null
          : new TierEntry<>(pending.value(), pending.expiresAtMillis());
    }
    return hasPrefetched ? prefetched : tiers.lower.read(segment, key);
  }

  /** Gives the slot what a bulk read found below (null: nothing), read under its lock. */
  void prefetched(TierEntry<V> entry) {
    hasPrefetched = true;
    prefetched = entry;
  }

  /**
   * Warm-up's refill: copies the entry below into memory if memory has none. Memory always holds
   * the newest value when it holds one, so an entry there (even an expired one) is left alone. An
   * expired entry below is skipped and left for a read to drop: warm-up changes no tier but
   * memory, and fires no event.
   */
  Void refill() {
    if (tiers.lower == null || tiers.memoryMap.containsKey(key)) {
      return null;
    }
    TierEntry<V> below = below();
    if (below != null && !tiers.isExpired(below.expiresAtMillis())) {
      value = below.value();
      expiresAt = below.expiresAtMillis();
      promote();
    }
    return null;
  }

  /**
   * Stores a warm-up loader's value as {@code putIfAbsent} would, unless a write op touched the
   * key since its batch was requested: the loader may have read the system of record before that
   * write, so the write wins even when it left the key absent.
   */
  boolean storeLoaded(V loaded) {
    if (tiers.warmUpFence.writtenSinceRequested(key)) {
      return false;
    }
    return load(false) == null && store(loaded);
  }

  private V found(V found, long foundExpiresAt, MemoryEntry<V> memoryEntry) {
    if (tiers.isExpired(foundExpiresAt)) {
      value = found;
      inMemory = memoryEntry;
      if (counting()) {
        tiers.stats.expirations.increment();
      }
      writeTiers(null, 0L, EventType.EXPIRED, found);
      return null;
    }
    value = found;
    expiresAt = foundExpiresAt;
    inMemory = memoryEntry;
    return found;
  }

  private V absent() {
    value = null;
    inMemory = null;
    return null;
  }

  /** The read path of a get that missed memory without a lock (or must change expiry). */
  V get(MemoryEntry<V> seen, Duration seenAccess) {
    V current = load(true);
    countGet(current);
    if (current == null) {
      return null;
    }
    Duration access = (inMemory != null && inMemory == seen && seenAccess != null)
        ? seenAccess
        : (tiers.expiry == null ? null : tiers.expiry.expireAfterAccess(key, current));
    long next = access == null ? expiresAt : tiers.expiresAt(access, expiresAt);
    if (next != expiresAt) {
      writeTiers(current, next, null, null);
    } else if (inMemory == null) {
      promote();
    }
    return current;
  }

  void countGet(V current) {
    if (current == null) {
      countMiss();
    } else {
      countHit();
    }
  }

  void countHit() {
    if (counting()) {
      tiers.stats.hits.increment();
    }
  }

  void countMiss() {
    if (counting()) {
      tiers.stats.misses.increment();
    }
  }

  /** Applies the access expiry to a value just read (JSR-107: reads may change expiry). */
  void touch() {
    if (tiers.expiry == null || value == null) {
      return;
    }
    long next = tiers.expiresAt(tiers.expiry.expireAfterAccess(key, value), expiresAt);
    if (next != expiresAt) {
      writeTiers(value, next, null, null);
    }
  }

  /** Copies an entry found below into memory; no event, nothing written below. */
  private void promote() {
    MemoryEntry<V> entry = new MemoryEntry<>(value, expiresAt);
    tiers.memoryMap.put(key, entry);
    inMemory = entry;
  }

  /**
   * Stores a value as a create or an update of what {@link #load} found, with the expiry the
   * policy gives. Returns false if a create expired at once (JSR-107: it is not stored).
   */
  boolean store(V newValue) {
    V old = value;
    long next;
    if (old == null) {
      next = tiers.expiry == null ? ETERNAL : tiers.expiresAt(tiers.expiry.expireAfterCreate(key, newValue), ETERNAL);
      if (next != ETERNAL && tiers.isExpired(next)) {
        return false;
      }
    } else {
      next = tiers.expiry == null ? expiresAt : tiers.expiresAt(tiers.expiry.expireAfterUpdate(key, newValue),
          expiresAt);
    }
    writeTiers(newValue, next, old == null ? EventType.CREATED : EventType.UPDATED, old);
    if (counting()) {
      tiers.stats.puts.increment();
    }
    return true;
  }

  /** Removes the value {@link #load} found; returns true. */
  boolean delete() {
    writeTiers(null, 0L, EventType.REMOVED, value);
    if (counting()) {
      tiers.stats.removals.increment();
    }
    return true;
  }

  /**
   * The one write path: the buffer first (it may refuse, leaving everything unchanged), then
   * memory, publishing the event inside the memory tier's atomic update so that it is ordered
   * with evictions of the same key.
   */
  private void writeTiers(V newValue, long newExpiresAt, EventType type, V oldValue) {
    tiers.loads.written(key);
    // Expiry and warm-up are this cache's own business; a change is everyone's.
    boolean tell = tiers.coherence != null && !quiet
        && (type == EventType.CREATED || type == EventType.UPDATED || type == EventType.REMOVED);
    if (tiers.writeBehind != null && !(newValue == null && oldValue == null)) {
      // A key whose equals or hashCode throws must fail here, before the buffer takes the
      // write: failing in the memory update below would leave a write the caller saw fail
      // on its way to disk. (A colliding key another thread adds meanwhile can still slip by.)
      tiers.memoryMap.containsKey(key);
      PreparedWrite prepared = newValue == null ? null : tiers.lower.prepare(key, newValue);
      tiers.writeBehind.write(segment, new TierWrite<>(key, newValue, newExpiresAt, prepared));
    }
    MemoryEntry<V> entry = newValue == null ? null : new MemoryEntry<>(newValue, newExpiresAt);
    if (type == null || !tiers.events.hasListeners()) {
      if (entry == null) {
        tiers.memoryMap.remove(key);
      } else {
        tiers.memoryMap.put(key, entry);
      }
    } else {
      tiers.memoryMap.compute(key, (k, ignored) -> {
        tiers.events.publish(type, k, oldValue,
            type == EventType.EXPIRED || type == EventType.REMOVED ? null : newValue, true);
        return entry;
      });
    }
    if (tell && told == null) {
      told = tiers.coherence.changed(key);
    }
    value = newValue;
    expiresAt = newExpiresAt;
    inMemory = entry;
  }

  V currentValue() {
    return value;
  }

  /**
   * Drops the key from memory and from the lower tier (a tombstone through the write-behind
   * buffer), for a change another process made: no event, no statistics, and the coherence layer
   * is not told, since it told us. A load in flight stores nothing, but its readers get what it
   * loaded.
   */
  void invalidate() {
    tiers.loads.invalidated(key);
    if (tiers.writeBehind != null) {
      tiers.writeBehind.write(segment, new TierWrite<>(key, null, 0L, null));
    }
    tiers.memoryMap.remove(key);
    value = null;
    inMemory = null;
  }

  /** Waits, after the key's lock is released, for what the coherence layer was told. */
  void awaitTold() {
    if (told != null) {
      try {
        told.toCompletableFuture().join();
      } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
        throw new CacheWriteException("Cache '" + tiers.name + "' made the change, but could not"
            + " tell the other processes sharing it: " + e.getMessage(), e);
      }
    }
  }

  /**
   * A read-through load from inside an entry processor, under the key's lock: waits for the
   * load another reader has in flight for the key, if any, instead of loading again; otherwise
   * loads here. Stores nothing: the processor decides.
   */
  /**
   * For an unconditional removal, before it looks at what the key holds: even if the key turns out
   * absent here, the removal still overtakes a load in flight (an invalidation must keep a load
   * that may have read the old value from storing it) and still tells the coherence layer (another
   * process may hold the key). A removal that finds the key tells it once, not twice.
   */
  void announceRemoval() {
    tiers.loads.written(key);
    if (tiers.coherence != null && !quiet && told == null) {
      told = tiers.coherence.changed(key);
    }
  }

  V loadUnderLock(Function<? super K, ? extends V> loader) {
    LoadsInFlight.Load<V> running = tiers.loads.get(key);
    return running != null ? running.awaitLoaded() : loader.apply(key);
  }

  /**
   * Drops the key from memory if the lower tier no longer holds it (it reported evicting or
   * purging it) and no newer write of it is pending; publishes the eviction or expiry with the
   * value memory held (or the one reported) and counts it. A key written again since, or back in
   * the tier, is left alone.
   */
  boolean dropRemovedBelow(TierRemoval.Cause cause, V reported) {
    if (tiers.writeBehind.pending(segment, key) != null) {
      return false;
    }
    if (tiers.lower.read(segment, key) != null) {
      return true;
    }
    MemoryEntry<V> held = tiers.memoryMap.get(key);
    V old = held != null ? held.value() : reported;
    EventType type = cause == TierRemoval.Cause.EVICTED ? EventType.EVICTED : EventType.EXPIRED;
    if (tiers.statisticsEnabled()) {
      if (type == EventType.EVICTED) {
        tiers.stats.evictions.increment();
        tiers.stats.lowerEvictions.increment();
      } else {
        tiers.stats.expirations.increment();
      }
    }
    if (old != null && tiers.events.hasListeners()) {
      tiers.memoryMap.compute(key, (k, ignored) -> {
        tiers.events.publish(type, k, old, null, true);
        return null;
      });
    } else if (held != null) {
      tiers.memoryMap.remove(key);
    }
    return true;
  }

  /** Drops a key whose write the lower tier failed permanently, unless it was written again. */
  boolean dropLost() {
    if (tiers.writeBehind.pending(segment, key) == null) {
      tiers.memoryMap.remove(key);
    }
    return true;
  }
}
