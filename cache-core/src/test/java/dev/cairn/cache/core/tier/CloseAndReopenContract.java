package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link LowerTierContract}: closing, and for a persistent tier what a new tier over
 * the same storage finds, and under which segment counts it opens.
 */
interface CloseAndReopenContract extends TierFixture {

  @Test
  default void closingTwiceIsHarmless() {
    write(putsOfOwnValues(keys("closed", 8)));
    tier().close();

    assertThatCode(tier()::close).doesNotThrowAnyException();
  }

  @Test
  default void whatWasWrittenBeforeCloseIsReadAfterReopen() {
    assumeTrue(persistent(), "the tier does not persist");
    long now = clock().currentTimeMillis();
    List<String> keys = keys("kept", 20);
    List<TierWrite<String, String>> writes = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      writes.add(put(keys.get(i), valueOf(keys.get(i)), i % 2 == 0 ? NEVER : now + 60_000 + i));
    }
    write(writes);
    write(removals(keys.subList(0, 4)));
    Map<String, TierEntry<String>> before = contents();

    reopenTier();

    assertThat(contents()).hasSize(16).isEqualTo(before);
    keys.subList(0, 4).forEach(key -> assertThat(read(key)).as("removed %s", key).isNull());
    assertThat(tier().size()).isEqualTo(16);
  }

  @Test
  default void theHotKeysSavedBeforeCloseAreReadAfterReopen() {
    assumeTrue(persistent(), "the tier does not persist");
    write(putsOfOwnValues(keys("hot", 5)));
    tier().saveHotKeys(List.of("hot-3", "hot-0", "hot-4"));

    reopenTier();

    assertThat(tier().hotKeys()).containsExactly("hot-3", "hot-0", "hot-4");
  }

  @Test
  default void aTierReopenedUnderAnotherSegmentCountIsRefusedAndStillOpensUnderItsOwn() {
    assumeTrue(persistent(), "the tier does not persist");
    assumeTrue(refusesAnotherSegmentCount(), "the tier stores by key alone");
    write(putsOfOwnValues(keys("placed", 20)));
    Map<String, TierEntry<String>> before = contents();
    LowerTier<String, String> closed = tier();
    closed.close();

    LowerTier<String, String> other = reopen(closed);
    assertThatThrownBy(() -> other.open(
        TierContext.detached("conformance", SEGMENTS * 2, clock())))
        .isInstanceOf(TierException.class);

    openAsTheTier(reopen(closed), SEGMENTS);
    assertThat(contents()).isEqualTo(before);
  }

  @Test
  default void aSharedTierReopenedUnderAnotherSegmentCountFindsEveryKey() {
    assumeTrue(persistent(), "the tier does not persist");
    assumeFalse(refusesAnotherSegmentCount(), "the tier keeps a store per segment");
    List<String> keys = keys("placed", 20);
    write(putsOfOwnValues(keys));
    LowerTier<String, String> closed = tier();
    closed.close();

    LowerTier<String, String> other = openAsTheTier(reopen(closed), SEGMENTS * 2);

    for (String key : keys) {
      assertThat(other.read(KeyPlacement.segmentOf(key, SEGMENTS * 2), key)).as(key)
          .isEqualTo(new TierEntry<>(valueOf(key), NEVER));
    }
  }
}
