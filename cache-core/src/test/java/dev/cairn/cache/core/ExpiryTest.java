package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JSR-107 expiry semantics, driven by a clock the test moves. */
class ExpiryTest {

  private final ManualClock clock = new ManualClock();
  private final MapLowerTier<String, String> tier = new MapLowerTier<>();
  private TieredCache<String, String> cache;

  /** A policy with fixed answers per kind of change; counts how often each is asked. */
  private static final class FixedExpiry implements Expiry<String, String> {
    final Duration create;
    final Duration update;
    final Duration access;
    final AtomicInteger accessCalls = new AtomicInteger();

    FixedExpiry(Duration create, Duration update, Duration access) {
      this.create = create;
      this.update = update;
      this.access = access;
    }

    @Override public Duration expireAfterCreate(String key, String value) {
      return create;
    }

    @Override public Duration expireAfterUpdate(String key, String value) {
      return update;
    }

    @Override public Duration expireAfterAccess(String key, String value) {
      accessCalls.incrementAndGet();
      return access;
    }
  }

  private TieredCache<String, String> cache(boolean tiered, Expiry<String, String> expiry) {
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder("expiry")
        // Upkeep on the caller's thread, so that over a lower tier a write evicts the one entry
        // memory held before it (see OperationContractTest) and the next read of that key goes
        // below memory; left to the common pool, the upkeep may not have run by then.
        .memoryMaintenanceExecutor(Runnable::run)
        .maximumSize(tiered ? 1 : 100)
        .clock(clock)
        .expiry(expiry)
        .flushInterval(Duration.ofHours(1));
    if (tiered) {
      builder.lowerTier(tier);
    }
    cache = builder.build();
    return cache;
  }

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void zeroCreationDurationStoresNothing(boolean tiered) {
    TieredCache<String, String> c = cache(tiered, new FixedExpiry(Duration.ZERO, null, null));
    c.put("a", "1");
    assertThat(c.putIfAbsent("b", "2")).isFalse();
    assertThat(c.containsKey("a")).isFalse();
    assertThat(c.get("a")).isNull();
    assertThat(c.get("b")).isNull();
    c.flush();
    assertThat(c.statistics().flushedEntries()).isZero();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void zeroUpdateDurationExpiresTheEntryAtOnce(boolean tiered) {
    TieredCache<String, String> c = cache(tiered,
        new FixedExpiry(Duration.ofMinutes(1), Duration.ZERO, null));
    c.put("a", "1");
    assertThat(c.get("a")).isEqualTo("1");
    c.put("a", "2");
    assertThat(c.get("a")).isNull();
    assertThat(c.containsKey("a")).isFalse();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void zeroAccessDurationServesTheValueOnceMore(boolean tiered) {
    TieredCache<String, String> c = cache(tiered,
        new FixedExpiry(Duration.ofMinutes(1), null, Duration.ZERO));
    c.put("a", "1");
    assertThat(c.get("a")).isEqualTo("1");
    assertThat(c.get("a")).isNull();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void nullUpdateAndAccessDurationsLeaveExpiryAsItWas(boolean tiered) {
    TieredCache<String, String> c = cache(tiered,
        new FixedExpiry(Duration.ofSeconds(10), null, null));
    c.put("a", "1");
    clock.advance(Duration.ofSeconds(6));
    c.put("a", "2");                        // does not restart the 10 s
    assertThat(c.get("a")).isEqualTo("2"); // does not restart them either
    clock.advance(Duration.ofSeconds(3));
    assertThat(c.get("a")).isEqualTo("2");
    clock.advance(Duration.ofSeconds(1));
    assertThat(c.get("a")).isNull();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void accessDurationExtendsTheEntry(boolean tiered) {
    TieredCache<String, String> c = cache(tiered,
        new FixedExpiry(Duration.ofSeconds(10), null, Duration.ofSeconds(30)));
    c.put("a", "1");
    clock.advance(Duration.ofSeconds(9));
    assertThat(c.get("a")).isEqualTo("1");
    c.put("filler", "x");                   // over a lower tier, pushes "a" out of memory
    clock.advance(Duration.ofSeconds(29));
    assertThat(c.get("a")).as("extended by the access, also below memory").isEqualTo("1");
    clock.advance(Duration.ofSeconds(30));
    assertThat(c.get("a")).isNull();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void nullCreationDurationAndEternalNeverExpire(boolean tiered) {
    TieredCache<String, String> c = cache(tiered,
        new FixedExpiry(null, Expiry.ETERNAL, Expiry.ETERNAL));
    c.put("a", "1");
    c.put("b", "1");
    c.put("b", "2");
    clock.advance(Duration.ofDays(365 * 100));
    assertThat(c.get("a")).isEqualTo("1");
    assertThat(c.get("b")).isEqualTo("2");
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void afterWriteExpiresExactlyAtTheTimeToLive(boolean tiered) {
    TieredCache<String, String> c = cache(tiered, Expiry.afterWrite(Duration.ofSeconds(5)));
    c.put("a", "1");
    clock.advance(Duration.ofMillis(4_999));
    assertThat(c.get("a")).isEqualTo("1");
    clock.advance(Duration.ofMillis(1));
    assertThat(c.get("a")).isNull();
    assertThat(c.statistics().expirations()).isZero();  // statistics are off
  }

  @Test
  void expiredEntryBelowIsNeverServedAndIsTombstoned() {
    TieredCache<String, String> c = cache(true, Expiry.afterWrite(Duration.ofSeconds(5)));
    tier.preload("stale", "old", clock.currentTimeMillis() - 1);
    tier.preload("fresh", "new", clock.currentTimeMillis() + 1_000);
    assertThat(c.containsKey("stale")).isFalse();
    assertThat(c.get("stale")).isNull();
    assertThat(c.get("fresh")).isEqualTo("new");
    c.flush();
    assertThat(tier.stored("stale")).as("expired entry removed below").isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(c.get("fresh")).as("promoted with its stored expiry").isNull();
  }

  @Test
  void expiryTimeIsWrittenBelowWithTheEntry() {
    TieredCache<String, String> c = cache(true, Expiry.afterWrite(Duration.ofSeconds(5)));
    long now = clock.currentTimeMillis();
    c.put("a", "1");
    c.flush();
    assertThat(tier.stored("a").expiresAtMillis()).isEqualTo(now + 5_000);
  }

  @Test
  void accessPolicyIsAskedOncePerHit() {
    FixedExpiry expiry = new FixedExpiry(Duration.ofMinutes(1), null, null);
    TieredCache<String, String> c = cache(false, expiry);
    c.put("a", "1");
    for (int i = 0; i < 5; i++) {
      c.get("a");
    }
    c.get("missing");
    assertThat(expiry.accessCalls.get()).isEqualTo(5);

    FixedExpiry extending = new FixedExpiry(Duration.ofMinutes(1), null, Duration.ofMinutes(2));
    cache.close();
    TieredCache<String, String> d = cache(false, extending);
    d.put("a", "1");
    for (int i = 0; i < 5; i++) {
      d.get("a");
    }
    assertThat(extending.accessCalls.get()).isEqualTo(5);
  }
}
