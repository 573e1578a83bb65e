package dev.cairn.cache.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The progress of a cache's warm-up, from {@link TieredCache#warmUp()}: the refill of the memory
 * tier from the lower tier's hot-key snapshot, then the {@link WarmUpLoader}'s preload.
 *
 * <p>Warm-up runs in the background; the cache serves reads and writes meanwhile, so waiting for it
 * is never required. It ends early, and is then done with {@link #loaded()} below {@link #total()},
 * when the memory tier is full (refilling more would only evict what it just refilled), when the
 * cache closes, or after a failure, which {@link #failure()} reports. A cache with nothing to warm
 * returns a handle that is done from the start.
 *
 * <p>Thread-safe; every method returns at once except {@link #await}.
 */
public final class WarmUp {

  private final String cacheName;
  private final AtomicLong loaded = new AtomicLong();
  // Written once by the warm-up thread when it knows the loader's keys, read by any thread.
  private volatile long total;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CompletableFuture<WarmUp> completion = new CompletableFuture<>();

  WarmUp(String cacheName) {
    this.cacheName = cacheName;
  }

  /** Returns whether warm-up has finished: completely, stopped early, or failed. */
  public boolean isDone() {
    return completion.isDone();
  }

  /**
   * Returns how many keys warm-up has dealt with so far: put into memory, stored from the loader,
   * or found to need nothing (already in memory, written meanwhile, or gone from the lower tier).
   */
  public long loaded() {
    return loaded.get();
  }

  /**
   * Returns how many keys warm-up set out to deal with: the hot keys of the snapshot plus the
   * loader's keys, once the loader has named them (until then, only the hot keys).
   */
  public long total() {
    return total;
  }

  /**
   * Waits until warm-up is done or the timeout passes, and returns whether it is done. Throws
   * nothing: a failure is reported by {@link #failure()}; an interrupt ends the wait early and
   * leaves the thread's interrupt flag set.
   */
  public boolean await(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long nanos;
    try {
      nanos = Math.max(0L, timeout.toNanos());
    } catch (ArithmeticException centuries) {
      nanos = Long.MAX_VALUE;
    }
    try {
      completion.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return isDone();
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException cannotHappen) {
      // The future is only ever completed normally.
      return true;
    }
  }

  /**
   * Returns the failure that ended part of warm-up, if any: the hot-key refill failed (it then
   * stops, and the loader still runs) or the loader failed (it is not retried). Further failures
   * are attached as suppressed exceptions. The cache keeps working either way.
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Returns a stage completed, with this handle, when warm-up is done. It never completes
   * exceptionally: check {@link #failure()}.
   */
  public CompletionStage<WarmUp> completion() {
    return completion.minimalCompletionStage();
  }

  @Override
  public String toString() {
    Throwable failed = failure.get();
    return "WarmUp[" + cacheName + ", " + loaded() + " of " + total + " keys"
        + (isDone() ? ", done" : ", running") + (failed == null ? "" : ", failed: " + failed) + "]";
  }

  // ---------------------------------------------------------------- the warm-up thread's side

  void begin(long totalKeys) {
    this.total = totalKeys;
  }

  long advance() {
    return loaded.incrementAndGet();
  }

  void fail(Throwable cause) {
    if (!failure.compareAndSet(null, cause) && failure.get() != cause) {
      failure.get().addSuppressed(cause);
    }
  }

  void finish() {
    completion.complete(this);
  }
}
