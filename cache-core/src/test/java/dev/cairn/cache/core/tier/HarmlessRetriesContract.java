package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link LowerTierContract}: applying a batch twice is harmless, since the engine
 * retries a batch that failed, whatever of it the tier had applied.
 */
interface HarmlessRetriesContract extends TierFixture {

  @Test
  default void writingABatchTwiceLeavesWhatWritingItOnceLeft() {
    write(putsOfOwnValues(keys("before", 8)));
    List<TierWrite<String, String>> batch = new ArrayList<>(
        putsOfOwnValues(keysOf(0, "retried", 12)));
    batch.addAll(removals(keysOf(0, "before", 3)));
    batch.add(removal(keysOf(0, "absent", 1).get(0)));

    tier().write(0, batch);
    Map<String, TierEntry<String>> once = contents();
    long sizeOnce = tier().size();
    tier().write(0, batch);

    assertThat(contents()).isEqualTo(once);
    assertThat(tier().size()).isEqualTo(sizeOnce);
  }

  @Test
  default void retryingABatchWhoseFirstPartWasAppliedCompletesIt() {
    List<String> before = keysOf(3, "before", 4);
    List<String> added = keysOf(3, "new", 8);
    write(putsOfOwnValues(before));
    List<TierWrite<String, String>> batch = new ArrayList<>(removals(before));
    batch.addAll(putsOfOwnValues(added));

    tier().write(3, batch.subList(0, 6));
    tier().write(3, batch);

    Map<String, TierEntry<String>> expected = new HashMap<>();
    added.forEach(key -> expected.put(key, new TierEntry<>(valueOf(key), NEVER)));
    assertThat(contents()).isEqualTo(expected);
  }
}
