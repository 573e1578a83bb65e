package dev.cairn.cache.core.tier;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lower tier that passes every call to another and fails writes on request, the three ways the
 * tier contract lets a write fail: part of a batch applied ({@link PartialBatchException}), a
 * transient failure, a permanent one. It counts what it let through to the tier below, per key, so a
 * test can tell that a retry did not send an applied write again.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class FaultInjectingTier<K, V> extends ForwardingTier<K, V> {

  private final AtomicBoolean halveNextBatch = new AtomicBoolean();
  private volatile boolean failingTransiently;
  private final Set<K> refused = ConcurrentHashMap.newKeySet();
  private final Map<K, AtomicInteger> passedOn = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();

  public FaultInjectingTier(LowerTier<K, V> delegate) {
    super(delegate);
  }

  /**
   * Makes the next write of two or more changes apply its first half only, then throw a
   * {@link PartialBatchException} naming that half.
   */
  public void applyHalfOfNextBatch() {
    halveNextBatch.set(true);
  }

  /** While on, every write fails transiently and changes nothing. */
  public void failTransiently(boolean on) {
    failingTransiently = on;
  }

  /** Makes every write of a batch holding a change of the key fail permanently, changing nothing. */
  public void refusePermanently(K key) {
    refused.add(key);
  }

  /** Returns how many changes of the key this tier passed on to the tier below. */
  public int timesPassedOn(K key) {
    AtomicInteger count = passedOn.get(key);
    return count == null ? 0 : count.get();
  }

  /** Returns how many writes failed on purpose. */
  public int failures() {
    return failures.get();
  }

  @Override
  public void write(int segment, List<TierWrite<K, V>> batch) {
    if (failingTransiently) {
      failures.incrementAndGet();
      throw TierException.transientFailure("the tier fails transiently on purpose", null);
    }
    for (TierWrite<K, V> write : batch) {
      if (refused.contains(write.key())) {
        failures.incrementAndGet();
        throw TierException.permanentFailure("the tier refuses a key on purpose", null);
      }
    }
    if (batch.size() >= 2 && halveNextBatch.compareAndSet(true, false)) {
      // The very objects of the batch: the engine acknowledges applied writes by identity.
      List<TierWrite<K, V>> applied = List.copyOf(batch.subList(0, batch.size() / 2));
      passOn(segment, applied);
      failures.incrementAndGet();
      throw new PartialBatchException("the tier applied half of the batch on purpose", applied,
          TierException.transientFailure("the rest failed on purpose", null));
    }
    passOn(segment, batch);
  }

  private void passOn(int segment, List<TierWrite<K, V>> writes) {
    delegate.write(segment, writes);
    for (TierWrite<K, V> write : writes) {
      passedOn.computeIfAbsent(write.key(), key -> new AtomicInteger()).incrementAndGet();
    }
  }
}
