package dev.cairn.cache.core;

/**
 * A write could not be accepted or made durable: the write-behind buffer stayed full past the
 * back-pressure timeout, or the lower tier failed a synchronous write or a flush.
 *
 * <p>The message names the cache and the segment. Entries that were already buffered stay buffered
 * and are retried; a write that failed with this exception did not change the cache.
 */
public class CacheWriteException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what failed and what to do. */
  public CacheWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
