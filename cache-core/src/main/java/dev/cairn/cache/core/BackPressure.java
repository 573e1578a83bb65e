package dev.cairn.cache.core;

/**
 * What a writer gets when its segment's write-behind buffer is full.
 */
public enum BackPressure {
  /**
   * The writer waits for the flusher to free space, up to the configured timeout, and then fails
   * with a {@link CacheWriteException}; the cache is left as it was before the write.
   */
  BLOCK,
  /**
   * The writer writes its entry to the lower tier itself, synchronously, so it pays the lower
   * tier's latency but never waits for the flusher.
   */
  WRITE_THROUGH
}
