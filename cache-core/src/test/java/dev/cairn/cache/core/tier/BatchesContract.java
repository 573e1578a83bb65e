package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Part of the {@link LowerTierContract}: what a batch of puts and removals leaves. */
interface BatchesContract extends TierFixture {

  @Test
  default void aBatchOfPutsAndRemovalsIsReadAfterItIsWritten() {
    List<String> keys = keys("batch", 24);
    write(putsOfOwnValues(keys));
    List<TierWrite<String, String>> mixed = new ArrayList<>(removals(keys.subList(0, 8)));
    mixed.addAll(puts(keys.subList(8, 16), "again"));
    write(mixed);

    keys.subList(0, 8).forEach(key -> assertThat(read(key)).as("removed %s", key).isNull());
    keys.subList(8, 16).forEach(key -> assertThat(read(key)).as("overwritten %s", key)
        .isEqualTo(new TierEntry<>("again", NEVER)));
    keys.subList(16, 24).forEach(key -> assertThat(read(key)).as("untouched %s", key)
        .isEqualTo(new TierEntry<>(valueOf(key), NEVER)));
  }

  @Test
  default void removingAnAbsentKeyChangesNothing() {
    write(putsOfOwnValues(keys("present", 8)));
    Map<String, TierEntry<String>> before = contents();

    write(removals(keys("absent", 8)));

    assertThat(contents()).isEqualTo(before);
    assertThat(tier().size()).isEqualTo(8);
    assertThat(read("absent-0")).isNull();
  }

  @Test
  default void theLatestWriteOfAKeyInSuccessiveBatchesWins() {
    write(List.of(put("a", "1"), put("b", "1"), removal("c")));
    write(List.of(put("a", "2"), removal("b"), put("c", "1")));
    write(List.of(put("a", "3")));

    assertThat(read("a")).isEqualTo(new TierEntry<>("3", NEVER));
    assertThat(read("b")).isNull();
    assertThat(read("c")).isEqualTo(new TierEntry<>("1", NEVER));
  }

  @Test
  default void eachEntryOfABatchKeepsItsOwnExpiryTime() {
    long now = clock().currentTimeMillis();
    List<String> keys = keysOf(2, "expiring", 4);
    long[] times = {now + 1, now + 60_000, now + Duration.ofDays(36_500).toMillis(), NEVER};
    List<TierWrite<String, String>> batch = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      batch.add(put(keys.get(i), valueOf(keys.get(i)), times[i]));
    }
    tier().write(2, batch);

    for (int i = 0; i < keys.size(); i++) {
      assertThat(read(keys.get(i))).isEqualTo(new TierEntry<>(valueOf(keys.get(i)), times[i]));
    }
  }

  @Test
  default void sizeCountsTheStoredEntries() {
    assertThat(tier().size()).isZero();
    List<String> keys = keys("counted", 20);
    write(putsOfOwnValues(keys));
    assertThat(tier().size()).isEqualTo(20);

    write(puts(keys.subList(0, 10), "again"));
    assertThat(tier().size()).as("after overwriting ten").isEqualTo(20);

    write(removals(keys.subList(0, 5)));
    assertThat(tier().size()).as("after removing five").isEqualTo(15);
  }

  @Test
  default void keysListsExactlyTheKeysOfTheSegment() {
    List<String> keys = keys("listed", 40);
    write(putsOfOwnValues(keys));
    write(removals(keys.subList(0, 2)));

    for (int segment = 0; segment < SEGMENTS; segment++) {
      int s = segment;
      List<String> expected = keys.subList(2, 40).stream()
          .filter(key -> segmentOf(key) == s).toList();
      assertThat(keysListed(segment)).as("segment %s", segment)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  default void clearEmptiesItsSegmentOnlyAndReportsNothing() {
    List<String> keys = keys("cleared", 40);
    write(putsOfOwnValues(keys));

    tier().clear(1);

    assertThat(keysListed(1)).isEmpty();
    for (String key : keys) {
      if (segmentOf(key) == 1) {
        assertThat(read(key)).as("%s of the cleared segment", key).isNull();
      } else {
        assertThat(read(key)).as("%s of another segment", key)
            .isEqualTo(new TierEntry<>(valueOf(key), NEVER));
      }
    }
    assertThat(tier().size()).isEqualTo(keys.stream().filter(key -> segmentOf(key) != 1).count());
    assertThat(removals().reports()).as("the engine clears memory itself").isEmpty();
  }
}
