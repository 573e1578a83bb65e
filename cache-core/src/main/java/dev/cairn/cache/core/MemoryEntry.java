package dev.cairn.cache.core;

/**
 * What the memory tier holds for a key: the value and its absolute expiration time. Immutable, so a
 * lock-free reader always sees a value together with its own expiration time.
 */
record MemoryEntry<V>(V value, long expiresAt) {

  /** Expiration time of an entry that never expires. */
  static final long ETERNAL = dev.cairn.cache.core.tier.TierEntry.NEVER_EXPIRES;

  boolean isExpired(long now) {
    return expiresAt <= now;
  }
}
