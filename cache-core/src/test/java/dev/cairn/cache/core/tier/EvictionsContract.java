package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link LowerTierContract}: a bound on a tier is a bound on the cache, so what the
 * tier evicts it must report, or memory would go on serving keys the tier no longer holds.
 */
interface EvictionsContract extends TierFixture {

  int BOUND = 40;

  /** Opens a tier bounded to {@link #BOUND} entries and writes four times as many keys into it. */
  private List<String> writeFourTimesTheBound() {
    assumeTrue(bounded(), "the tier has no bound");
    openAsTheTier(boundedTier(BOUND), SEGMENTS);
    List<String> keys = keys("evictable", 4 * BOUND);
    for (int from = 0; from < keys.size(); from += 8) {
      write(putsOfOwnValues(keys.subList(from, from + 8)));
    }
    return keys;
  }

  @Test
  default void whatTheTierEvictsIsReportedAsEvictedAndNoLongerRead() {
    List<String> keys = writeFourTimesTheBound();

    Set<String> gone = new HashSet<>();
    keys.stream().filter(key -> read(key) == null).forEach(gone::add);
    assertThat(gone).as("keys the bound evicted").isNotEmpty();
    assertThat(new HashSet<>(removals().keys(TierRemoval.Cause.EVICTED)))
        .as("keys reported evicted").isEqualTo(gone);
    assertThat(removals().reports(TierRemoval.Cause.EXPIRED)).as("nothing had expired").isEmpty();
  }

  @Test
  default void eachEvictedKeyIsReportedOnceInItsOwnSegmentWithItsValueOrNone() {
    writeFourTimesTheBound();

    assertThat(removals().keys(TierRemoval.Cause.EVICTED)).isNotEmpty().doesNotHaveDuplicates();
    assertReportsNameTheirKeysSegmentsAndValues();
  }

  @Test
  default void theTierStaysWithinItsBound() {
    List<String> keys = writeFourTimesTheBound();

    assertThat(tier().size()).isLessThanOrEqualTo(BOUND);
    assertThat(keys.stream().filter(key -> read(key) != null)).hasSizeLessThanOrEqualTo(BOUND);
  }
}
