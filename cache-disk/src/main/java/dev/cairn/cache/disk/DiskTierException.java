package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.TierException;

/**
 * The disk tier cannot use its directory: it is locked by another cache or process, holds a
 * foreign, newer or damaged store, or cannot be written. The message names the path and what to
 * do; nothing in the directory was changed.
 *
 * <p>As a {@link TierException} it is transient: a batch that failed with it (a full disk, an I/O
 * error on the journal) left the segment as it was and is retried; failures to open are thrown
 * from {@link DiskTier#open} and are not retried by the engine.
 */
public class DiskTierException extends TierException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming the path. */
  public DiskTierException(String message) {
    super(message, true, null);
  }

  /** Creates an exception with a message naming the path, and its cause. */
  public DiskTierException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
