package dev.cairn.cache.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
    MapTier tier = new MapTier();
    try (TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("tiered")
        .maximumSize(1)
        .lowerTier(tier)
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
      assertThat(tierGets("test-map", "hit")).isEqualTo(cache.statistics().lowerHits())
          .isGreaterThanOrEqualTo(1);
      assertThat(tierGets("test-map", "miss")).isEqualTo(1);
      assertThat(registry.get("cache.flush.entries").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("cache.flush.batches").functionCounter().count()).isPositive();
      assertThat(registry.get("cache.flush.failures").functionCounter().count()).isZero();
      assertThat(registry.get("cache.writebehind.pending").gauge().value()).isZero();
      cache.put(4, 4);
      assertThat(registry.get("cache.writebehind.pending").gauge().value()).isEqualTo(1);
    }
  }

  private double count(String name, String... tags) {
    return registry.get(name).tag("cache", "books").tags(tags).functionCounter().count();
  }

  private double tierGets(String tier, String result) {
    return registry.get("cache.tier.gets").tag("cache", "tiered").tags("tier", tier, "result",
        result).functionCounter().count();
  }

  /** The smallest lower tier: one map, no segments of its own. */
  private static final class MapTier implements LowerTier<Integer, Integer> {
    private final ConcurrentHashMap<Integer, TierEntry<Integer>> map = new ConcurrentHashMap<>();

    @Override public String name() {
      return "test-map";
    }

    @Override public void open(TierContext context) {
    }

    @Override public TierEntry<Integer> read(int segment, Integer key) {
      return map.get(key);
    }

    @Override public void write(int segment, List<TierWrite<Integer, Integer>> batch) {
      for (TierWrite<Integer, Integer> write : batch) {
        if (write.isRemoval()) {
          map.remove(write.key());
        } else {
          map.put(write.key(), new TierEntry<>(write.value(), write.expiresAtMillis()));
        }
      }
    }

    @Override public Iterator<Integer> keys(int segment) {
      return map.keySet().iterator();
    }

    @Override public long size() {
      return map.size();
    }

    @Override public void clear(int segment) {
      map.clear();
    }

    @Override public void close() {
    }
  }
}
