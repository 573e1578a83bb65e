package dev.cairn.cache.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when the test moves it. Public, in the test-jar, because the tier
 * conformance suite ({@code LowerTierContract}) hands one to every tier it opens.
 */
public final class ManualClock implements CacheClock {

  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

  @Override
  public long currentTimeMillis() {
    return millis.get();
  }

  /** Moves the clock forward (or back, with a negative duration). */
  public void advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
  }
}
