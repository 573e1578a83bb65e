package dev.cairn.cache.core.metrics;

import dev.cairn.cache.core.CacheStatistics;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.WarmUp;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link TieredCache}'s statistics to Micrometer.
 *
 * <p>The standard cache meters come from Micrometer's {@link CacheMeterBinder}, so dashboards made
 * for Caffeine or JCache work unchanged: {@code cache.gets} tagged {@code result=hit|miss},
 * {@code cache.puts}, {@code cache.evictions}, {@code cache.size}. Cairn adds:
 * <ul>
 *   <li>{@code cache.removals}: values removed by remove operations;</li>
 *   <li>{@code cache.tier.gets} tagged {@code tier} ({@code memory} or the lower tier's name) and
 *       {@code result=hit|miss}: where reads were served. It is a separate name, not a {@code tier}
 *       tag on {@code cache.gets}, because Prometheus wants one set of tag keys per name;</li>
 *   <li>{@code cache.tier.evictions} tagged {@code tier}: entries dropped from memory only
 *       ({@code memory}), or evicted by the lower tier to stay within its own bound (its name;
 *       those are also in {@code cache.evictions});</li>
 *   <li>{@code cache.expirations}: entries found expired;</li>
 *   <li>{@code cache.warmup.loaded}, {@code cache.warmup.total} and {@code cache.warmup.done}
 *       ({@code 0} or {@code 1}): the progress of the warm-up that began when the cache was built
 *       (see {@link TieredCache#warmUp()});</li>
 *   <li>with a lower tier: {@code cache.writebehind.pending} (buffered writes),
 *       {@code cache.flush.batches}, {@code cache.flush.entries}, {@code cache.flush.failures} and
 *       {@code cache.flush.time} (seconds spent writing batches), and {@code cache.tier.bytes}
 *       tagged {@code tier}: the bytes the lower tier occupies on disk.</li>
 * </ul>
 *
 * <p>Counts come from the cache's statistics, so binding turns them on: see
 * {@link #monitor(MeterRegistry, TieredCache, String...)}. Meters are read on scrape; the cache
 * is held weakly and reads as zero once collected.
 */
public final class CairnCacheMetrics extends CacheMeterBinder<TieredCache<?, ?>> {

  /**
   * Creates a binder for the cache, tagged {@code cache=<name>} plus {@code tags}. Turns the
   * cache's statistics on, since every meter reads them.
   */
  public CairnCacheMetrics(TieredCache<?, ?> cache, Iterable<Tag> tags) {
    super(Objects.requireNonNull(cache, "cache"), cache.name(), tags);
    cache.setStatisticsEnabled(true);
  }

  /**
   * Binds the cache's meters to the registry and returns the cache.
   *
   * @param tags tag keys and values, in pairs
   */
  public static <C extends TieredCache<?, ?>> C monitor(MeterRegistry registry, C cache,
      String... tags) {
    new CairnCacheMetrics(cache, Tags.of(tags)).bindTo(registry);
    return cache;
  }

  private long stat(ToLongStatistic statistic) {
    TieredCache<?, ?> cache = getCache();
    return cache == null ? 0L : statistic.of(cache.statistics());
  }

  @Override
  protected Long size() {
    TieredCache<?, ?> cache = getCache();
    return cache == null || cache.isClosed() ? null : cache.estimatedSize();
  }

  @Override
  protected long hitCount() {
    return stat(CacheStatistics::hits);
  }

  @Override
  protected Long missCount() {
    return stat(CacheStatistics::misses);
  }

  @Override
  protected Long evictionCount() {
    return stat(CacheStatistics::evictions);
  }

  @Override
  protected long putCount() {
    return stat(CacheStatistics::puts);
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    counter(registry, "cache.removals", "Values removed by remove operations",
        CacheStatistics::removals, Tags.empty());
    counter(registry, "cache.expirations", "Entries found expired and dropped",
        CacheStatistics::expirations, Tags.empty());
    tierGets(registry, "memory", CacheStatistics::memoryHits, CacheStatistics::memoryMisses);
    counter(registry, "cache.tier.evictions", "Entries dropped from one tier to keep it bounded",
        CacheStatistics::memoryEvictions, Tags.of("tier", "memory"));
    warmUpGauge(registry, "cache.warmup.loaded", "Keys warm-up has dealt with so far",
        WarmUp::loaded);
    warmUpGauge(registry, "cache.warmup.total", "Keys warm-up set out to deal with",
        WarmUp::total);
    warmUpGauge(registry, "cache.warmup.done", "1 once warm-up has finished, else 0",
        warmUp -> warmUp.isDone() ? 1 : 0);

    TieredCache<?, ?> cache = getCache();
    String lowerTier = cache == null ? null : cache.lowerTierName();
    if (lowerTier == null) {
      return;
    }
    tierGets(registry, lowerTier, CacheStatistics::lowerHits, CacheStatistics::lowerMisses);
    counter(registry, "cache.tier.evictions", "Entries dropped from one tier to keep it bounded",
        CacheStatistics::lowerEvictions, Tags.of("tier", lowerTier));
    Gauge.builder("cache.tier.bytes", cache, TieredCache::lowerTierStoredBytes)
        .tags(getTagsWithCacheName()).tag("tier", lowerTier)
        .description("Bytes the tier occupies on its medium (-1 if it cannot tell)")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("cache.writebehind.pending", this,
            binder -> binder.stat(CacheStatistics::pendingWrites))
        .tags(getTagsWithCacheName())
        .description("Writes buffered and not yet flushed to the lower tier")
        .register(registry);
    counter(registry, "cache.flush.batches", "Batches the lower tier accepted",
        CacheStatistics::flushedBatches, Tags.empty());
    counter(registry, "cache.flush.entries", "Entries in the batches the lower tier accepted",
        CacheStatistics::flushedEntries, Tags.empty());
    counter(registry, "cache.flush.failures", "Batches the lower tier refused; they are retried",
        CacheStatistics::flushFailures, Tags.empty());
    FunctionCounter.builder("cache.flush.time", this,
            binder -> binder.stat(CacheStatistics::flushTimeNanos)
                / (double) TimeUnit.SECONDS.toNanos(1))
        .tags(getTagsWithCacheName())
        .baseUnit("seconds")
        .description("Time spent writing accepted batches to the lower tier")
        .register(registry);
  }

  private void warmUpGauge(MeterRegistry registry, String name, String description,
      ToDoubleFunction<WarmUp> read) {
    Gauge.builder(name, this, binder -> {
          TieredCache<?, ?> cache = binder.getCache();
          return cache == null ? 0 : read.applyAsDouble(cache.warmUp());
        })
        .tags(getTagsWithCacheName())
        .description(description)
        .register(registry);
  }

  private void tierGets(MeterRegistry registry, String tier, ToLongStatistic hits,
      ToLongStatistic misses) {
    String description = "Reads by the tier that served them";
    counter(registry, "cache.tier.gets", description, hits, Tags.of("tier", tier, "result", "hit"));
    counter(registry, "cache.tier.gets", description, misses,
        Tags.of("tier", tier, "result", "miss"));
  }

  private void counter(MeterRegistry registry, String name, String description,
      ToLongStatistic statistic, Tags extra) {
    ToDoubleFunction<CairnCacheMetrics> read = binder -> binder.stat(statistic);
    FunctionCounter.builder(name, this, read)
        .tags(getTagsWithCacheName())
        .tags(extra)
        .description(description)
        .register(registry);
  }

  @FunctionalInterface
  private interface ToLongStatistic {
    long of(CacheStatistics statistics);
  }
}
