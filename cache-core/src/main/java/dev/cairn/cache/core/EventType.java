package dev.cairn.cache.core;

/** The kinds of change a {@link CacheEventListener} can be told of. */
public enum EventType {
  /** A value was stored for a key that had none. */
  CREATED,
  /** A value replaced another. */
  UPDATED,
  /** A value was removed by a remove operation. */
  REMOVED,
  /** A value was found expired and dropped. */
  EXPIRED,
  /** A value was dropped to keep the cache within its bound: it is gone from every tier. */
  EVICTED
}
