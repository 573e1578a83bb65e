package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A wall clock that jumps backwards (an NTP step, a VM restored from a snapshot). Expiration times
 * are absolute, so an entry's remaining life follows the clock; what must hold is that an entry
 * once served as expired never comes back from a lower tier, and that an entry written after the
 * jump lives its full time in every tier.
 */
class ClockJumpTest {

  private final ManualClock clock = new ManualClock();
  private final MapLowerTier<String, String> tier = new MapLowerTier<>();

  private TieredCache<String, String> open() {
    return TieredCache.<String, String>builder("clock-jump")
        .lowerTier(tier)
        .maximumSize(1)   // most entries are read from below, through the lower tier's expiry
        // Upkeep on the caller's thread, so each write has evicted the entry before it when it
        // returns; on the common pool the upkeep may not have run when the test reads.
        .memoryMaintenanceExecutor(Runnable::run)
        .segments(2)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(10)))
        .flushInterval(Duration.ofHours(1))
        .closeTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Test
  void anEntryReadAsExpiredStaysGoneWhenTheClockJumpsBack() {
    try (TieredCache<String, String> cache = open()) {
      cache.put("a", "1");
      cache.put("b", "2");
      cache.flush();
      clock.advance(Duration.ofMinutes(11));
      assertThat(cache.get("a")).as("expired").isNull();
      assertThat(cache.get("b")).as("expired").isNull();
      cache.flush();

      clock.advance(Duration.ofMinutes(-30));
      assertThat(cache.get("a")).as("after the jump back").isNull();
      assertThat(cache.get("b")).as("after the jump back").isNull();
      assertThat(tier.size()).as("the expiry reached the lower tier as a removal").isZero();
    }
  }

  @Test
  void anEntryWrittenAfterTheClockJumpedBackLivesItsFullTime() {
    try (TieredCache<String, String> cache = open()) {
      cache.put("old", "before the jump");
      clock.advance(Duration.ofHours(-2));
      for (int i = 0; i < 10; i++) {
        cache.put("k" + i, "v" + i);
      }
      cache.flush();

      clock.advance(Duration.ofMinutes(9));
      for (int i = 0; i < 10; i++) {
        assertThat(cache.get("k" + i)).as("k%d, 9 of its 10 minutes after the jump", i)
            .isEqualTo("v" + i);
      }
      assertThat(cache.get("old")).as("written 2 h ahead, so 2 h 1 min left").isNotNull();
      clock.advance(Duration.ofMinutes(2));
      for (int i = 0; i < 10; i++) {
        assertThat(cache.get("k" + i)).as("k%d, 11 minutes after the jump", i).isNull();
      }
    }
  }
}
