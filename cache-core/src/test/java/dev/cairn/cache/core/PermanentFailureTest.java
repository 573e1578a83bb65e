package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.tier.FaultInjectingTier;
import dev.cairn.cache.core.tier.KeyPlacement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Writes the lower tier refuses permanently (see {@code TierException}): each is dropped alone,
 * and its key reads as the tier holds it from the moment {@code flush} reports the loss.
 */
class PermanentFailureTest {

  private static final int SEGMENTS = 4;

  private final MapLowerTier<String, String> tier = new MapLowerTier<>();
  private final FaultInjectingTier<String, String> faulty = new FaultInjectingTier<>(tier);

  /**
   * The flush that dropped a write queued its key for removal from memory; a reader right after
   * the flush threw found the dropped value in memory until a background drain got to it. Each
   * round is one such race; the key is in another segment than the first, whose lane flushes on
   * a thread of its own, as in the conformance suite where it showed.
   */
  @Test
  void aKeyWhoseWriteWasDroppedReadsAsTheTierHoldsItAsSoonAsFlushThrows() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder("dropped")
        .segments(SEGMENTS).flushInterval(Duration.ofHours(1))
        .retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
        .lowerTier(faulty).build()) {
      int stale = 0;
      for (int round = 0, found = 0; found < 200; round++) {
        String key = "refused-" + round;
        if (KeyPlacement.segmentOf(key, SEGMENTS) == 0) {
          continue;
        }
        found++;
        faulty.refusePermanently(key);
        cache.put(key, "new");
        assertThatThrownBy(cache::flush).isInstanceOf(CacheWriteException.class);
        if (cache.get(key) != null) {
          stale++;
        }
      }
      assertThat(stale).as("dropped keys still served from memory after flush threw").isZero();
    }
  }
}
