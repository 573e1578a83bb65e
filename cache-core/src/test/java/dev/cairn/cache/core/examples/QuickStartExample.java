package dev.cairn.cache.core.examples;

import dev.cairn.cache.core.CacheStatistics;
import dev.cairn.cache.core.EventType;
import dev.cairn.cache.core.Expiry;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The README's runnable example: a small memory tier over a lower tier, written behind.
 *
 * <p>Run it with {@code mvn -q -pl cache-core test-compile exec:java}. The lower tier here is an
 * in-process map that counts its batches; Cairn's persistent disk tier plugs in the same way.
 */
public final class QuickStartExample {

  public static void main(String[] args) {
    InProcessTier store = new InProcessTier();
    try (TieredCache<Integer, String> cache = TieredCache.<Integer, String>builder("quick-start")
        .maximumSize(1_000)                                  // memory holds the hot 1,000
        .expiry(Expiry.afterWrite(Duration.ofMinutes(10)))
        .lowerTier(store)                                    // the authoritative tier below
        .flushInterval(Duration.ofMillis(50))
        .statisticsEnabled(true)
        .build()) {

      AtomicInteger created = new AtomicInteger();
      cache.registerListener(event -> created.incrementAndGet(),
          EnumSet.of(EventType.CREATED), true);

      for (int i = 0; i < 10_000; i++) {
        cache.put(i, "value-" + i);
      }
      cache.flush();   // every write above is now in the lower tier

      // Zipf-like reads: low keys are hot and stay in memory, the rest come from below.
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 10_000; i += 1 + i / 10) {
          cache.get(i);
        }
      }
      cache.compute(42, (key, value) -> value + " (updated)");

      CacheStatistics stats = cache.statistics();
      System.out.printf("entries created (events):   %d%n", created.get());
      System.out.printf("batches written below:      %d (%d entries)%n",
          store.batches.get(), stats.flushedEntries());
      System.out.printf("hit rate:                   %.1f%%%n", stats.hitRate() * 100);
      System.out.printf("  served from memory:       %d%n", stats.memoryHits());
      System.out.printf("  served from lower tier:   %d%n", stats.lowerHits());
      System.out.printf("key 42:                     %s%n", cache.get(42));
    }
    System.out.printf("after close, lower tier holds %d entries%n", store.size());
  }

  /** A lower tier on a map; real tiers keep one store per segment and commit batches durably. */
  private static final class InProcessTier implements LowerTier<Integer, String> {
    private final ConcurrentHashMap<Integer, TierEntry<String>> map = new ConcurrentHashMap<>();
    final AtomicInteger batches = new AtomicInteger();

    @Override public String name() {
      return "in-process";
    }

    @Override public void open(TierContext<Integer, String> context) {
    }

    @Override public TierEntry<String> read(int segment, Integer key) {
      return map.get(key);
    }

    @Override public void write(int segment, List<TierWrite<Integer, String>> batch) {
      batches.incrementAndGet();
      for (TierWrite<Integer, String> write : batch) {
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
