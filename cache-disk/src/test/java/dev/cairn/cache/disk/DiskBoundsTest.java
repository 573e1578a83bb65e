package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.CacheClock;
import dev.cairn.cache.core.Expiry;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.metrics.CairnCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBoundsTest {

  @TempDir
  Path temp;

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final CacheClock clock = now::get;
  private DiskTier<String, String> tier;

  private TieredCache<String, String> open(int segments, Expiry<String, String> expiry,
      UnaryOperator<DiskTier<String, String>> settings) {
    tier = settings.apply(DiskTier.of(temp.resolve("cache"), Serializers.string(),
        Serializers.string()));
    var builder = TieredCache.<String, String>builder("bounded")
        .maximumSize(10)
        .segments(segments)
        .clock(clock)
        .statisticsEnabled(true)
        .lowerTier(tier);
    if (expiry != null) {
      builder.expiry(expiry);
    }
    return builder.build();
  }

  @Test
  void theEntryBoundHoldsAndEvictionsAreCounted() {
    try (TieredCache<String, String> cache = open(4, null, t -> t.maximumEntries(200))) {
      for (int i = 0; i < 1_000; i++) {
        cache.put("k" + i, "v" + i);
      }
      cache.flush();
      assertThat(tier.size()).isBetween(150L, 200L);
      assertThat(cache.statistics().lowerEvictions()).isEqualTo(1_000 - tier.size());
      assertThat(cache.statistics().evictions()).isGreaterThanOrEqualTo(1_000 - tier.size());
      for (int i = 0; i < 1_000; i++) {
        String value = cache.get("k" + i);
        assertThat(value).as("an evicted key is gone, a kept one is intact").isIn(null, "v" + i);
      }
    }
  }

  @Test
  void expiredEntriesArePurgedBeforeLiveOnesAreEvicted() {
    Expiry<String, String> expiry = new Expiry<>() {
      @Override
      public Duration expireAfterCreate(String key, String value) {
        return key.startsWith("short") ? Duration.ofMinutes(1) : null;   // null: never
      }

      @Override
      public Duration expireAfterUpdate(String key, String value) {
        return null;
      }

      @Override
      public Duration expireAfterAccess(String key, String value) {
        return null;
      }
    };
    try (TieredCache<String, String> cache = open(1, expiry, t -> t.maximumEntries(100))) {
      for (int i = 0; i < 60; i++) {
        cache.put("short" + i, "s");
      }
      cache.flush();
      now.addAndGet(Duration.ofMinutes(2).toMillis());
      for (int i = 0; i < 80; i++) {
        cache.put("long" + i, "l" + i);
      }
      cache.flush();
      assertThat(tier.size()).isLessThanOrEqualTo(100);
      assertThat(cache.statistics().lowerEvictions()).as("only expired entries had to go")
          .isZero();
      for (int i = 0; i < 80; i++) {
        assertThat(cache.get("long" + i)).isEqualTo("l" + i);
      }
    }
  }

  @Test
  void theByteBoundHoldsAcrossARestart() {
    String big = "x".repeat(1_000);
    UnaryOperator<DiskTier<String, String>> bound = t -> t.maximumBytes(50_000);
    try (TieredCache<String, String> cache = open(2, null, bound)) {
      for (int i = 0; i < 100; i++) {
        cache.put("k" + i, big);
      }
    }
    try (TieredCache<String, String> cache = open(2, null, bound)) {
      long kept = tier.size();
      assertThat(kept).as("about 1,000 bytes each under a 50,000-byte bound").isBetween(40L, 50L);
      for (int i = 100; i < 200; i++) {
        cache.put("k" + i, big);
      }
      cache.flush();
      assertThat(tier.size()).as("the reopened tier still knows its stored bytes")
          .isBetween(40L, 50L);
    }
  }

  @Test
  void expiredEntriesArePurgedInTheBackground() {
    Expiry<String, String> expiry = Expiry.afterWrite(Duration.ofMinutes(1));
    try (TieredCache<String, String> cache = open(2, expiry,
        t -> t.purgeInterval(Duration.ofMillis(20)))) {
      for (int i = 0; i < 50; i++) {
        cache.put("k" + i, "v");
      }
      cache.flush();
      assertThat(tier.size()).isEqualTo(50);
      now.addAndGet(Duration.ofMinutes(2).toMillis());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tier.size() == 0);
      assertThat(cache.get("k1")).isNull();
    }
  }

  @Test
  void aPurgeNeverRemovesAValueWrittenAfterTheOldOneExpired() {
    Expiry<String, String> expiry = Expiry.afterWrite(Duration.ofMinutes(1));
    try (TieredCache<String, String> cache = open(1, expiry, t -> t.purgeInterval(Duration.ZERO))) {
      cache.put("a", "old");
      cache.put("b", "old");
      cache.flush();
      now.addAndGet(Duration.ofMinutes(2).toMillis());
      cache.put("a", "new");
      cache.flush();
      assertThat(tier.purgeExpiredNow()).isEqualTo(1);
      assertThat(cache.get("a")).isEqualTo("new");
      assertThat(tier.size()).isEqualTo(1);
    }
  }

  @Test
  void bytesOnDiskAndDiskEvictionsAreMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TieredCache<String, String> cache = open(2, null, t -> t.maximumEntries(20))) {
      CairnCacheMetrics.monitor(registry, cache);
      for (int i = 0; i < 100; i++) {
        cache.put("k" + i, "v" + i);
      }
      cache.flush();
      assertThat(registry.get("cache.tier.bytes").tag("tier", "disk").gauge().value())
          .isGreaterThan(1_000);
      assertThat(registry.get("cache.tier.evictions").tag("tier", "disk").functionCounter()
          .count()).isEqualTo(100 - tier.size());
    }
  }

  @Test
  void boundsAreCheckedAndFixedBeforeOpening() {
    DiskTier<String, String> unopened = DiskTier.of(temp.resolve("x"), Serializers.string(),
        Serializers.string());
    assertThatThrownBy(() -> unopened.maximumEntries(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumEntries");
    assertThatThrownBy(() -> unopened.maximumBytes(-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumBytes");
    try (TieredCache<String, String> cache = open(1, null, t -> t)) {
      assertThatThrownBy(() -> tier.maximumEntries(5)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("before the cache opens");
    }
  }
}
