package dev.cairn.cache.core.tier;

/**
 * A failure of a {@link LowerTier} call that says whether trying again may help.
 *
 * <p>A <b>transient</b> failure (a timeout, a connection refused, a full disk that may get room
 * again) leaves the tier as it was, so the engine keeps the batch and retries it with exponential
 * back-off, as long as the cache is open. A <b>permanent</b> failure (a value the tier can never
 * store, a tier that was closed or damaged beyond use) would fail the same way again: the engine
 * reports it at once, counts it, and never retries the same write for ever. A batch that fails
 * permanently is split, and each write tried once on its own, so one bad entry does not cost its
 * neighbours; a write that fails permanently on its own is dropped, counted in the cache's flush
 * failures, logged, and its key is dropped from memory, so that every reader agrees again with
 * what the tier holds.
 *
 * <p>A tier that throws any other {@link RuntimeException} from {@link LowerTier#write} is treated
 * as failing transiently: retrying a write that is harmless to apply twice costs only time, while
 * dropping it would lose data.
 */
public class TierException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  /**
   * @param message what failed, naming the cache, the tier and what the user can do
   * @param transientFailure whether trying again later may succeed
   * @param cause the underlying failure, or {@code null}
   */
  public TierException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** A failure that may go away: the engine retries with back-off. */
  public static TierException transientFailure(String message, Throwable cause) {
    return new TierException(message, true, cause);
  }

  /** A failure that would happen again: the engine reports it and does not retry. */
  public static TierException permanentFailure(String message, Throwable cause) {
    return new TierException(message, false, cause);
  }

  /** Returns whether trying again later may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }

  /** Returns whether the exception says that a retry would fail the same way. */
  public static boolean isPermanent(Throwable failure) {
    return failure instanceof TierException tier && !tier.isTransient();
  }
}
