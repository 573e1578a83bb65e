package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link LowerTierContract}: what {@link LowerTier#prepare} made on the writer's thread
 * stores the same entry as a write without it, and preparing alone stores nothing.
 */
interface PrepareContract extends TierFixture {

  @Test
  default void aPreparedWriteStoresWhatAPlainWriteStores() {
    long expiresAt = clock().currentTimeMillis() + 60_000;
    PreparedWrite prepared = tier().prepare("prepared", "value");
    write(List.of(new TierWrite<>("prepared", "value", expiresAt, prepared),
        new TierWrite<>("plain", "value", expiresAt)));

    assertThat(read("prepared")).isEqualTo(new TierEntry<>("value", expiresAt))
        .isEqualTo(read("plain"));
  }

  @Test
  default void preparingAValueStoresNothing() {
    tier().prepare("prepared", "value");

    assertThat(read("prepared")).isNull();
    assertThat(tier().size()).isZero();
  }
}
