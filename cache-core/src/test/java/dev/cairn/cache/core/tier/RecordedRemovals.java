package dev.cairn.cache.core.tier;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A removal listener that keeps every report a tier makes through
 * {@link TierContext#reportRemovals}, in the order they arrived, for a test to look at. Reports may
 * come from any of the tier's threads.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RecordedRemovals<K, V> implements TierContext.RemovalListener<K, V> {

  /** One call of the listener: the segment and cause it named, and what it reported. */
  public record Report<K, V>(int segment, TierRemoval.Cause cause,
      List<TierRemoval<K, V>> removed) {
  }

  private final List<Report<K, V>> reports = new CopyOnWriteArrayList<>();

  @Override
  public void removed(int segment, TierRemoval.Cause cause, List<TierRemoval<K, V>> removed) {
    // Copied: the tier may reuse or change its list after the call.
    reports.add(new Report<>(segment, cause, List.copyOf(removed)));
  }

  /** Returns every report so far, in the order they arrived. */
  public List<Report<K, V>> reports() {
    return List.copyOf(reports);
  }

  /** Returns the reports made with the cause. */
  public List<Report<K, V>> reports(TierRemoval.Cause cause) {
    return reports.stream().filter(report -> report.cause() == cause).toList();
  }

  /** Returns every key reported with the cause, as often as it was reported. */
  public List<K> keys(TierRemoval.Cause cause) {
    return reports(cause).stream()
        .flatMap(report -> report.removed().stream())
        .map(TierRemoval::key)
        .toList();
  }
}
