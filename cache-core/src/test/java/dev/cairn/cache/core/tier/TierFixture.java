package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.ManualClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What every topic of the tier conformance suite works with: the tier a tier's suite provides and
 * the capabilities it declares, the suite's clock and removal listener, and the calls the suite
 * makes as the engine makes them, each key in its segment. {@link LowerTierContract} implements
 * the state; the rest are defaults.
 */
public interface TierFixture {

  /** The segments the suite opens a tier with. */
  int SEGMENTS = 4;

  /** The expiration time of an entry that never expires. */
  long NEVER = TierEntry.NEVER_EXPIRES;

  // ------------------------------------------------------------ what a tier's suite provides

  /** Returns a new, empty tier, not opened yet; each call a tier of its own (its own files, say). */
  LowerTier<String, String> newTier();

  /** Whether a new tier over the same storage reads back what a closed one stored. */
  default boolean persistent() {
    return false;
  }

  /** For a {@link #persistent} tier: a new tier, not opened yet, over what {@code closed} stored. */
  default LowerTier<String, String> reopen(LowerTier<String, String> closed) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is not persistent");
  }

  /**
   * For a {@link #persistent} tier: whether it keeps a store per segment and so refuses to open
   * under another segment count. A shared tier stores by key alone and must find every key under
   * any segment count (see {@link KeyPlacement}).
   */
  default boolean refusesAnotherSegmentCount() {
    return false;
  }

  /** Whether the tier can be bounded by a number of entries ({@link #boundedTier}). */
  default boolean bounded() {
    return false;
  }

  /** For a {@link #bounded} tier: a new, empty tier, not opened yet, that keeps at most this many. */
  default LowerTier<String, String> boundedTier(int maxEntries) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is not bounded");
  }

  /** Whether the tier purges expired entries, so that {@link #purgeExpired} can make it purge now. */
  default boolean purges() {
    return false;
  }

  /** For a tier that {@link #purges}: purges what expired by its context's clock, and returns. */
  default void purgeExpired(LowerTier<String, String> tier) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not purge");
  }

  /** Whether a read never sees a batch half applied. */
  default boolean atomicBatches() {
    return false;
  }

  // ------------------------------------------------------------ the suite's state

  /** The clock of every context the suite opens a tier with; it moves only when a test moves it. */
  ManualClock clock();

  /** Every report the tiers the suite opened made. */
  RecordedRemovals<String, String> removals();

  /** The test's open tier: a new one, opened on first use, unless the test opened another. */
  LowerTier<String, String> tier();

  /**
   * Opens the tier with the suite's clock and listener and this segment count, makes it the test's
   * tier, and closes it after the test.
   */
  LowerTier<String, String> openAsTheTier(LowerTier<String, String> lower, int segments);

  /** Closes a tier, or a cache, after the test, before the tiers opened earlier. */
  void closeAfterTheTest(AutoCloseable resource);

  /** Closes the test's tier and opens a new one over its storage as the test's tier. */
  default void reopenTier() {
    LowerTier<String, String> closed = tier();
    closed.close();
    openAsTheTier(reopen(closed), SEGMENTS);
  }

  // ------------------------------------------------------------ keys and changes

  default int segmentOf(String key) {
    return KeyPlacement.segmentOf(key, SEGMENTS);
  }

  /** Keys named {@code prefix-0}, {@code prefix-1}, ..., all of them in the segment. */
  default List<String> keysOf(int segment, String prefix, int count) {
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; keys.size() < count; i++) {
      String key = prefix + "-" + i;
      if (segmentOf(key) == segment) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Keys named {@code prefix-0} to {@code prefix-(count - 1)}, in whatever segments they fall. */
  default List<String> keys(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
  }

  /** The value a key is written with unless a test says otherwise. */
  default String valueOf(String key) {
    return "v-" + key;
  }

  default TierWrite<String, String> put(String key, String value) {
    return new TierWrite<>(key, value, NEVER);
  }

  default TierWrite<String, String> put(String key, String value, long expiresAt) {
    return new TierWrite<>(key, value, expiresAt);
  }

  default TierWrite<String, String> removal(String key) {
    return new TierWrite<>(key, null, 0L);
  }

  default List<TierWrite<String, String>> puts(List<String> keys, String value) {
    return keys.stream().map(key -> put(key, value)).toList();
  }

  default List<TierWrite<String, String>> putsOfOwnValues(List<String> keys) {
    return keys.stream().map(key -> put(key, valueOf(key))).toList();
  }

  default List<TierWrite<String, String>> removals(List<String> keys) {
    return keys.stream().map(this::removal).toList();
  }

  // ------------------------------------------------------------ calls as the engine makes them

  /** Writes the changes as one batch per segment, in the order given, as the lanes would. */
  default void write(List<TierWrite<String, String>> changes) {
    Map<Integer, List<TierWrite<String, String>>> bySegment = new LinkedHashMap<>();
    for (TierWrite<String, String> change : changes) {
      bySegment.computeIfAbsent(segmentOf(change.key()), s -> new ArrayList<>()).add(change);
    }
    bySegment.forEach((segment, batch) -> tier().write(segment, batch));
  }

  default TierEntry<String> read(String key) {
    return tier().read(segmentOf(key), key);
  }

  default List<String> keysListed(int segment) {
    List<String> keys = new ArrayList<>();
    tier().keys(segment).forEachRemaining(keys::add);
    return keys;
  }

  /** Every entry the tier lists, by key, as its reads return them. */
  default Map<String, TierEntry<String>> contents() {
    Map<String, TierEntry<String>> contents = new HashMap<>();
    for (int segment = 0; segment < SEGMENTS; segment++) {
      for (String key : keysListed(segment)) {
        contents.put(key, tier().read(segment, key));
      }
    }
    return contents;
  }

  /** Checks that each report named its keys' own segment, and their values or none. */
  default void assertReportsNameTheirKeysSegmentsAndValues() {
    for (RecordedRemovals.Report<String, String> report : removals().reports()) {
      for (TierRemoval<String, String> removal : report.removed()) {
        assertThat(report.segment())
            .as("segment reported for %s", removal.key()).isEqualTo(segmentOf(removal.key()));
        assertThat(removal.value())
            .as("value reported for %s", removal.key()).isIn(null, valueOf(removal.key()));
      }
    }
  }
}
