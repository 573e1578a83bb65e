package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Part of the {@link LowerTierContract}: a bulk read finds what reads one by one would find. */
interface BulkReadsContract extends TierFixture {

  @Test
  default void readAllReturnsThePresentKeysAsReadReturnsThem() {
    long now = clock().currentTimeMillis();
    List<String> keys = keysOf(1, "bulk", 10);
    List<TierWrite<String, String>> batch = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      batch.add(put(keys.get(i), valueOf(keys.get(i)), i % 2 == 0 ? NEVER : now + 60_000 + i));
    }
    tier().write(1, batch);

    Map<String, TierEntry<String>> found = tier().readAll(1, keys);

    Map<String, TierEntry<String>> oneByOne = new HashMap<>();
    keys.forEach(key -> oneByOne.put(key, read(key)));
    assertThat(found).isEqualTo(oneByOne);
  }

  @Test
  default void readAllLeavesAbsentAndRemovedKeysOut() {
    List<String> keys = keysOf(2, "bulk", 10);
    tier().write(2, putsOfOwnValues(keys));
    tier().write(2, removals(keys.subList(0, 2)));
    List<String> asked = new ArrayList<>(keys);
    asked.addAll(keysOf(2, "absent", 3));

    Map<String, TierEntry<String>> found = tier().readAll(2, asked);

    assertThat(found).containsOnlyKeys(keys.subList(2, 10));
  }

  @Test
  default void readAllOfNoKeysFindsNothing() {
    write(putsOfOwnValues(keys("bulk", 10)));

    assertThat(tier().readAll(0, List.of())).isEmpty();
  }
}
