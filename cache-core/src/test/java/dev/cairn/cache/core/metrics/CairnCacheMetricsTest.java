package dev.cairn.cache.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.MapLowerTier;
import dev.cairn.cache.core.TieredCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.cairn.cache.core.WarmUpLoader;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CairnCacheMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void publishesTheStandardCacheMeters() {
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder("books")
        .maximumSize(2)
        .build()) {
      CairnCacheMetrics.monitor(registry, cache, "app", "shop");
      cache.put("a", "1");
      cache.put("b", "2");
      cache.get("a");
      cache.get("a");
      cache.get("missing");
      cache.remove("b");
      cache.put("c", "3");
      cache.put("d", "4");
      cache.put("e", "5");

      assertThat(count("cache.gets", "result", "hit")).isEqualTo(2);
      assertThat(count("cache.gets", "result", "miss")).isEqualTo(1);
      assertThat(count("cache.puts")).isEqualTo(5);
      assertThat(count("cache.removals")).isEqualTo(1);
      assertThat(count("cache.evictions")).isEqualTo(cache.statistics().evictions()).isPositive();
      assertThat(registry.get("cache.size").tag("cache", "books").tag("app", "shop").gauge()
          .value()).isEqualTo(cache.estimatedSize());
      assertThat(registry.get("cache.tier.gets").tags("tier", "memory", "result", "hit")
          .functionCounter().count()).isEqualTo(2);
      assertThat(registry.find("cache.writebehind.pending").gauge())
          .as("no write-behind meters without a lower tier").isNull();
    }
  }

  @Test
  void publishesPerTierAndWriteBehindMeters() {
    MapLowerTier<Integer, Integer> tier = new MapLowerTier<>();
    try (TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("tiered")
        .maximumSize(1)
        // Upkeep on the caller's thread: memory holds one of keys 1 and 2 when the gets run, so
        // one of them is read below it; on the common pool the upkeep may not have run by then.
        .memoryMaintenanceExecutor(Runnable::run)
        .lowerTier(tier)
        .flushInterval(Duration.ofHours(1))   // only explicit flushes, so pending is exact
        .build()) {
      CairnCacheMetrics.monitor(registry, cache);
      cache.put(1, 1);
      cache.put(2, 2);
      cache.flush();
      cache.get(2);
      cache.get(1);
      cache.get(3);

      assertThat(tierGets("memory", "hit")).isEqualTo(cache.statistics().memoryHits());
      assertThat(tierGets("memory", "miss")).isEqualTo(cache.statistics().memoryMisses());
      assertThat(tierGets("map", "hit")).isEqualTo(cache.statistics().lowerHits())
          .isGreaterThanOrEqualTo(1);
      assertThat(tierGets("map", "miss")).isEqualTo(1);
      assertThat(registry.get("cache.flush.entries").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("cache.flush.batches").functionCounter().count()).isPositive();
      assertThat(registry.get("cache.flush.failures").functionCounter().count()).isZero();
      assertThat(registry.get("cache.writebehind.pending").gauge().value()).isZero();
      cache.put(4, 4);
      assertThat(registry.get("cache.writebehind.pending").gauge().value()).isEqualTo(1);
    }
  }

  @Test
  void warmUpGaugesFollowTheProgress() throws Exception {
    CountDownLatch inBatch = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WarmUpLoader<Integer, String> loader = new WarmUpLoader<>() {
      @Override public Set<Integer> keys() {
        return new LinkedHashSet<>(List.of(1, 2, 3));
      }

      @Override public Map<Integer, String> loadAll(Set<? extends Integer> batch) {
        inBatch.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Map.of(1, "one", 2, "two", 3, "three");
      }
    };
    try (TieredCache<Integer, String> cache = TieredCache.<Integer, String>builder("warming")
        .warmUpLoader(loader)
        .build()) {
      CairnCacheMetrics.monitor(registry, cache);
      assertThat(inBatch.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(warmUpGauge("cache.warmup.total")).isEqualTo(3);
      assertThat(warmUpGauge("cache.warmup.loaded")).isZero();
      assertThat(warmUpGauge("cache.warmup.done")).isZero();

      release.countDown();
      assertThat(cache.warmUp().await(Duration.ofSeconds(10))).isTrue();
      assertThat(warmUpGauge("cache.warmup.loaded")).isEqualTo(3);
      assertThat(warmUpGauge("cache.warmup.done")).isEqualTo(1);
      assertThat(registry.get("cache.puts").tag("cache", "warming").functionCounter().count())
          .as("warm-up is not counted as puts").isZero();
    }
  }

  private double warmUpGauge(String name) {
    return registry.get(name).tag("cache", "warming").gauge().value();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tag("cache", "books").tags(tags).functionCounter().count();
  }

  private double tierGets(String tier, String result) {
    return registry.get("cache.tier.gets").tag("cache", "tiered").tags("tier", tier, "result",
        result).functionCounter().count();
  }
}
