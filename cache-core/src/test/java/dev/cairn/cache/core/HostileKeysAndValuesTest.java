package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keys and values whose {@code hashCode} or {@code equals} throw: the operation that meets the
 * broken method fails with the user's own exception (it is the clearest account of what broke),
 * before any tier changes, and every other entry stays as it was, in memory and below.
 *
 * <p>Keys whose hash codes all collide are covered by
 * {@code WriteBehindTest#readsSeeTheLatestQueuedValueOfKeysWhoseHashCodesCollide} (engine) and
 * {@code cache-disk}'s {@code HostileInputTest} (disk tier).
 */
class HostileKeysAndValuesTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private final MapLowerTier<Object, Object> tier = new MapLowerTier<>();

  /** A key whose hashCode always throws. */
  private record BrokenHashKey(int id) {
    @Override
    public int hashCode() {
      throw new IllegalStateException("BrokenHashKey.hashCode is broken");
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }
  }

  /** Keys that all share one hash code and throw when compared with anything but themselves. */
  private record BrokenEqualsKey(int id) {
    @Override
    public int hashCode() {
      return 7;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      throw new IllegalStateException("BrokenEqualsKey.equals is broken");
    }
  }

  /** A value whose equals and hashCode throw unless it is compared with itself. */
  private record BrokenValue(String text) {
    @Override
    public int hashCode() {
      throw new IllegalStateException("BrokenValue.hashCode is broken");
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      throw new IllegalStateException("BrokenValue.equals is broken");
    }
  }

  private TieredCache<Object, Object> open() {
    return TieredCache.<Object, Object>builder("hostile")
        .lowerTier(tier)
        .maximumSize(100)
        .segments(4)
        .flushInterval(NEVER)
        .closeTimeout(Duration.ofSeconds(2))
        .build();
  }

  private static void putNormalEntries(TieredCache<Object, Object> cache) {
    for (int i = 0; i < 20; i++) {
      cache.put("key-" + i, "value-" + i);
    }
  }

  private static void assertNormalEntries(TieredCache<Object, Object> cache) {
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get("key-" + i)).as("key-%d", i).isEqualTo("value-" + i);
    }
  }

  @Test
  void aKeyWhoseHashCodeThrowsFailsEveryOperationAndChangesNothing() {
    try (TieredCache<Object, Object> cache = open()) {
      putNormalEntries(cache);
      cache.flush();
      BrokenHashKey key = new BrokenHashKey(1);

      for (Runnable operation : new Runnable[] {
          () -> cache.put(key, "v"), () -> cache.get(key), () -> cache.containsKey(key),
          () -> cache.putIfAbsent(key, "v"), () -> cache.getAndPut(key, "v"),
          () -> cache.replace(key, "v"), () -> cache.remove(key),
          () -> cache.compute(key, (k, v) -> "v"), () -> cache.getAll(Set.of(key))}) {
        assertThatThrownBy(operation::run).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("BrokenHashKey.hashCode is broken");
      }

      cache.flush();
      assertThat(cache.statistics().flushFailures()).as("no flush met the key").isZero();
      assertThat(tier.size()).as("entries below").isEqualTo(20);
      assertThat(cache.size()).isEqualTo(20);
      assertNormalEntries(cache);
    }
  }

  /**
   * The memory tier holds the first key, the buffer is empty (flushed): a put of the second key
   * must fail before it reaches the buffer, or the flush would persist a write whose put failed,
   * and a restart would serve it.
   */
  @Test
  void aKeyWhoseEqualsThrowsFailsItsPutBeforeAnyTierChanges() {
    BrokenEqualsKey first = new BrokenEqualsKey(1);
    BrokenEqualsKey second = new BrokenEqualsKey(2);
    try (TieredCache<Object, Object> cache = open()) {
      putNormalEntries(cache);
      cache.put(first, "first");
      cache.flush();

      assertThatThrownBy(() -> cache.put(second, "second"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("BrokenEqualsKey.equals is broken");
      assertThatThrownBy(() -> cache.putIfAbsent(second, "second"))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> cache.remove(second)).isInstanceOf(IllegalStateException.class);

      cache.flush();
      assertThat(cache.statistics().flushFailures()).isZero();
      assertThat(tier.size()).as("entries below: the failed puts reached no tier").isEqualTo(21);
      assertThat(cache.get(first)).as("the same key instance still works").isEqualTo("first");
      cache.put(first, "again");
      assertThat(cache.get(first)).isEqualTo("again");
      assertNormalEntries(cache);
    }
  }

  @Test
  void valuesWhoseEqualsAndHashCodeThrowFailOnlyTheOperationsThatCompareThem() {
    BrokenValue stored = new BrokenValue("stored");
    try (TieredCache<Object, Object> cache = open()) {
      putNormalEntries(cache);
      cache.put("broken", stored);
      assertThat(cache.get("broken")).isSameAs(stored);

      assertThatThrownBy(() -> cache.replace("broken", new BrokenValue("stored"), "other"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("BrokenValue.equals is broken");
      assertThatThrownBy(() -> cache.remove("broken", new BrokenValue("stored")))
          .isInstanceOf(IllegalStateException.class);
      assertThat(cache.get("broken")).as("the failed operations changed nothing").isSameAs(stored);

      cache.flush();
      assertThat(cache.statistics().flushFailures()).isZero();
      assertThat(tier.stored("broken").value()).isSameAs(stored);
      assertThat(cache.replace("broken", stored, "replaced")).as("compared with itself").isTrue();
      assertThat(cache.get("broken")).isEqualTo("replaced");
      assertNormalEntries(cache);
    }
  }
}
