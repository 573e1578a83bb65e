package dev.cairn.cache.core;

import static dev.cairn.cache.core.MemoryEntry.ETERNAL;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.cache.core.tier.LowerTier;
import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

/**
 * What every operation on a key works with: the memory tier, the write-behind buffer and the lower
 * tier below it, and what an operation consults or feeds on the way (expiry, clock, events,
 * statistics, the loads in flight, the warm-up fence). {@link TieredCache} owns it and its
 * lifecycle; a {@link KeySlot} reads and changes it under the key's lock.
 */
final class TierStack<K, V> {

  final String name;
  final Cache<K, MemoryEntry<V>> memory;
  final ConcurrentMap<K, MemoryEntry<V>> memoryMap;
  // null for a memory-only cache, and then writeBehind too
  final LowerTier<K, V> lower;
  final WriteBehind<K, V> writeBehind;
  final int segments;
  final Expiry<? super K, ? super V> expiry;
  final CacheClock clock;
  final EventDispatcher<K, V> events;
  final StatisticsCounters stats = new StatisticsCounters();
  final LoadsInFlight<K, V> loads = new LoadsInFlight<>();
  final WarmUpFence<K> warmUpFence = new WarmUpFence<>();
  // null unless the cache is kept coherent with copies in other processes
  final Coherence<K> coherence;
  // Read on every operation; switching statistics at run time is a JSR-107 management feature.
  private volatile boolean statisticsEnabled;

  TierStack(String name, Cache<K, MemoryEntry<V>> memory, LowerTier<K, V> lower,
      WriteBehind<K, V> writeBehind, int segments, Expiry<? super K, ? super V> expiry,
      CacheClock clock, EventDispatcher<K, V> events, boolean statisticsEnabled,
      Coherence<K> coherence) {
    this.coherence = coherence;
    this.name = name;
    this.memory = memory;
    this.memoryMap = memory.asMap();
    this.lower = lower;
    this.writeBehind = writeBehind;
    this.segments = segments;
    this.expiry = expiry;
    this.clock = clock;
    this.events = events;
    this.statisticsEnabled = statisticsEnabled;
  }

  /** Whether the local tiers may serve reads; see {@link Coherence#localTiersCurrent()}. */
  boolean localTiersCurrent() {
    return coherence == null || coherence.localTiersCurrent();
  }

  boolean statisticsEnabled() {
    return statisticsEnabled;
  }

  void statisticsEnabled(boolean enabled) {
    this.statisticsEnabled = enabled;
  }

  boolean isExpired(long expiresAt) {
    return expiresAt != ETERNAL && expiresAt <= clock.currentTimeMillis();
  }

  /** The expiration time a policy's duration gives from now; {@code null} keeps the old one. */
  long expiresAt(Duration duration, long unchanged) {
    if (duration == null) {
      return unchanged;
    }
    long now = clock.currentTimeMillis();
    if (duration.isZero() || duration.isNegative()) {
      return now;
    }
    try {
      long millis = duration.toMillis();
      return millis >= ETERNAL - now ? ETERNAL : now + millis;
    } catch (ArithmeticException tooLong) {
      return ETERNAL;
    }
  }
}
