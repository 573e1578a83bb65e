package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link LowerTierContract}: expiration times are stored, not interpreted, and a tier
 * that purges removes what expired by its context's clock (an entry expires when the clock reaches
 * its time, as in the engine) and reports it.
 */
interface ExpiryContract extends TierFixture {

  @Test
  default void anEntryKeepsItsExpiryTimeToTheMillisecond() {
    long now = clock().currentTimeMillis();
    long[] times = {now + 1, now + 999, now + Duration.ofDays(365).toMillis() + 7, NEVER - 1};
    for (int i = 0; i < times.length; i++) {
      write(List.of(put("timed-" + i, "v", times[i])));
    }
    for (int i = 0; i < times.length; i++) {
      assertThat(read("timed-" + i)).isEqualTo(new TierEntry<>("v", times[i]));
    }
  }

  @Test
  default void anEntryThatNeverExpiresStaysSoWhateverTheClockSays() {
    write(List.of(put("forever", "v", NEVER)));
    clock().advance(Duration.ofDays(365 * 1_000));
    if (purges()) {
      purgeExpired(tier());
    }

    assertThat(read("forever")).isEqualTo(new TierEntry<>("v", NEVER));
    assertThat(removals().reports()).isEmpty();
  }

  @Test
  default void anOverwriteReplacesTheExpiryTime() {
    long now = clock().currentTimeMillis();
    write(List.of(put("a", "1", now + 1_000), put("b", "1", NEVER)));
    write(List.of(put("a", "2", NEVER), put("b", "2", now + 5_000)));

    assertThat(read("a")).isEqualTo(new TierEntry<>("2", NEVER));
    assertThat(read("b")).isEqualTo(new TierEntry<>("2", now + 5_000));
  }

  @Test
  default void aPurgeRemovesWhatExpiredAndReportsEachAsExpiredInItsSegment() {
    assumeTrue(purges(), "the tier does not purge");
    long now = clock().currentTimeMillis();
    List<String> expiring = keys("expiring", 16);
    write(expiring.stream().map(key -> put(key, valueOf(key), now + 1_000)).toList());
    clock().advance(Duration.ofMillis(1_000));

    purgeExpired(tier());

    expiring.forEach(key -> assertThat(read(key)).as("purged %s", key).isNull());
    assertThat(removals().keys(TierRemoval.Cause.EXPIRED))
        .containsExactlyInAnyOrderElementsOf(expiring);
    assertReportsNameTheirKeysSegmentsAndValues();
    assertThat(removals().reports(TierRemoval.Cause.EVICTED)).isEmpty();
    assertThat(tier().size()).isZero();
  }

  @Test
  default void aPurgeKeepsEveryEntryWhoseTimeHasNotCome() {
    assumeTrue(purges(), "the tier does not purge");
    long now = clock().currentTimeMillis();
    write(List.of(put("due", "v", now + 1_000), put("later", "v", now + 1_001),
        put("never", "v", NEVER)));
    clock().advance(Duration.ofMillis(1_000));

    purgeExpired(tier());

    assertThat(read("due")).isNull();
    assertThat(read("later")).isEqualTo(new TierEntry<>("v", now + 1_001));
    assertThat(read("never")).isEqualTo(new TierEntry<>("v", NEVER));
    assertThat(removals().keys(TierRemoval.Cause.EXPIRED)).containsExactly("due");
  }

  @Test
  default void aPurgeWithNothingExpiredReportsNothing() {
    assumeTrue(purges(), "the tier does not purge");
    write(List.of(put("later", "v", clock().currentTimeMillis() + 1_000), put("never", "v")));

    purgeExpired(tier());

    assertThat(removals().reports()).isEmpty();
    assertThat(tier().size()).isEqualTo(2);
  }
}
