package dev.cairn.cache.core;

/**
 * A synchronous listener threw a checked exception. The change that caused the event had already
 * taken effect.
 */
public class CacheListenerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception naming the cache. */
  public CacheListenerException(String message, Throwable cause) {
    super(message, cause);
  }
}
