package dev.cairn.cache.disk;

/**
 * The disk tier cannot use its directory: it is locked by another cache or process, holds a
 * foreign, newer or damaged store, or cannot be written. The message names the path and what to
 * do; nothing in the directory was changed.
 */
public class DiskTierException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming the path. */
  public DiskTierException(String message) {
    super(message);
  }

  /** Creates an exception with a message naming the path, and its cause. */
  public DiskTierException(String message, Throwable cause) {
    super(message, cause);
  }
}
