package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.CacheWriteException;
import dev.cairn.cache.core.TieredCache;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Part of the {@link LowerTierContract}: what the engine and the tier promise together when a
 * write fails, shown by a real cache over the tier through a {@link FaultInjectingTier}. Only the
 * tests' own flushes write, so each knows which batch a fault hits.
 */
interface FailuresUnderTheEngineContract extends TierFixture {

  /** A cache over the tier, wrapped in the fault injector, closed after the test. */
  private TieredCache<String, String> cacheOver(FaultInjectingTier<String, String> faulty) {
    TieredCache<String, String> cache = TieredCache.<String, String>builder("conformance")
        .segments(SEGMENTS)
        .clock(clock())
        .flushInterval(Duration.ofHours(1))
        .retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
        .closeTimeout(Duration.ofSeconds(10))
        .warmRestart(false)
        .lowerTier(faulty)
        .build();
    closeAfterTheTest(cache);
    return cache;
  }

  private static TierEntry<String> stored(FaultInjectingTier<String, String> faulty, String key) {
    return faulty.read(KeyPlacement.segmentOf(key, SEGMENTS), key);
  }

  @Test
  @Timeout(60)
  default void theRestOfAPartlyAppliedBatchReachesTheTierAndTheAppliedPartIsNotWrittenAgain() {
    FaultInjectingTier<String, String> faulty = new FaultInjectingTier<>(newTier());
    TieredCache<String, String> cache = cacheOver(faulty);
    List<String> keys = keysOf(0, "partial", 10);
    keys.forEach(key -> cache.put(key, valueOf(key)));
    faulty.applyHalfOfNextBatch();

    assertThatThrownBy(cache::flush).isInstanceOf(CacheWriteException.class)
        .hasCauseInstanceOf(PartialBatchException.class);
    assertThat(keys.stream().filter(key -> stored(faulty, key) != null)).as("the half applied")
        .hasSize(5);
    cache.flush();

    for (String key : keys) {
      assertThat(stored(faulty, key)).as(key).isEqualTo(new TierEntry<>(valueOf(key), NEVER));
      assertThat(faulty.timesPassedOn(key)).as("writes of %s the tier received", key)
          .isEqualTo(1);
    }
  }

  @Test
  @Timeout(60)
  default void whileTheTierFailsTransientlyEntriesStayBufferedAndReachItOnceItRecovers() {
    FaultInjectingTier<String, String> faulty = new FaultInjectingTier<>(newTier());
    TieredCache<String, String> cache = cacheOver(faulty);
    List<String> keys = keys("transient", 12);
    faulty.failTransiently(true);
    keys.forEach(key -> cache.put(key, valueOf(key)));

    assertThatThrownBy(cache::flush).isInstanceOf(CacheWriteException.class);
    for (String key : keys) {
      assertThat(cache.get(key)).as("%s while the tier fails", key).isEqualTo(valueOf(key));
      assertThat(stored(faulty, key)).isNull();
    }
    faulty.failTransiently(false);
    cache.flush();

    for (String key : keys) {
      assertThat(stored(faulty, key)).as(key).isEqualTo(new TierEntry<>(valueOf(key), NEVER));
    }
  }

  @Test
  @Timeout(60)
  default void aWriteRefusedPermanentlyCostsOnlyItselfAndFlushReportsIt() {
    FaultInjectingTier<String, String> faulty = new FaultInjectingTier<>(newTier());
    TieredCache<String, String> cache = cacheOver(faulty);
    String refused = keysOf(0, "refused", 1).get(0);
    List<String> neighbours = keysOf(0, "neighbour", 6);
    faulty.refusePermanently(refused);
    cache.put(refused, valueOf(refused));
    neighbours.forEach(key -> cache.put(key, valueOf(key)));

    assertThatThrownBy(cache::flush).as("the flush that dropped it")
        .isInstanceOf(CacheWriteException.class);

    for (String key : neighbours) {
      assertThat(stored(faulty, key)).as("neighbour %s", key)
          .isEqualTo(new TierEntry<>(valueOf(key), NEVER));
    }
    assertThat(stored(faulty, refused)).isNull();
    assertThatCode(cache::flush).as("a dropped write is not retried").doesNotThrowAnyException();
  }

  @Test
  @Timeout(60)
  default void aKeyWhoseWriteWasRefusedPermanentlyReadsAsTheTierHoldsIt() {
    FaultInjectingTier<String, String> faulty = new FaultInjectingTier<>(newTier());
    TieredCache<String, String> cache = cacheOver(faulty);
    String absent = keysOf(1, "never-stored", 1).get(0);
    String older = keysOf(1, "stored-before", 1).get(0);
    cache.put(older, "old");
    cache.flush();
    faulty.refusePermanently(absent);
    faulty.refusePermanently(older);
    cache.put(absent, "new");
    cache.put(older, "new");

    assertThatThrownBy(cache::flush).isInstanceOf(CacheWriteException.class);

    assertThat(cache.get(absent)).as("a key the tier never held").isNull();
    assertThat(cache.get(older)).as("a key the tier holds an older value of").isEqualTo("old");
  }
}
