package dev.cairn.cache.core.tier;

import java.util.List;
import java.util.Objects;

/**
 * Thrown by a batch's target (a {@link LowerTier} or a {@link dev.cairn.cache.core.WriteBehindQueue}
 * sink) that applied part of a batch before failing: the writes it names leave the write-behind
 * buffer, and only the rest is retried. Any other exception means nothing of the batch counts as
 * applied, and the whole batch is retried.
 */
public class PartialBatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<TierWrite<?, ?>> applied;

  /**
   * @param message what failed
   * @param applied the writes of the batch that were applied, the very objects the batch held
   * @param cause why the rest failed
   */
  public PartialBatchException(String message, List<? extends TierWrite<?, ?>> applied,
      Throwable cause) {
    super(message, cause);
    this.applied = List.copyOf(Objects.requireNonNull(applied, "applied"));
  }

  /** Returns the writes that were applied before the failure. */
  public List<TierWrite<?, ?>> applied() {
    return applied;
  }
}
