package dev.cairn.cache.jcache;

import dev.cairn.cache.core.CacheStatistics;
import dev.cairn.cache.core.TieredCache;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The JSR-107 statistics MXBean of one cache: the engine's counters, which it keeps the way the
 * specification counts. Times are averages in microseconds, as the MXBean defines them.
 */
final class CacheStatisticsBean implements CacheStatisticsMXBean {

  private final TieredCache<?, ?> engine;

  CacheStatisticsBean(TieredCache<?, ?> engine) {
    this.engine = engine;
  }

  @Override
  public void clear() {
    engine.clearStatistics();
  }

  @Override
  public long getCacheHits() {
    return engine.statistics().hits();
  }

  @Override
  public float getCacheHitPercentage() {
    CacheStatistics statistics = engine.statistics();
    return statistics.gets() == 0 ? 0f : 100f * statistics.hits() / statistics.gets();
  }

  @Override
  public long getCacheMisses() {
    return engine.statistics().misses();
  }

  @Override
  public float getCacheMissPercentage() {
    CacheStatistics statistics = engine.statistics();
    return statistics.gets() == 0 ? 0f : 100f * statistics.misses() / statistics.gets();
  }

  @Override
  public long getCacheGets() {
    return engine.statistics().gets();
  }

  @Override
  public long getCachePuts() {
    return engine.statistics().puts();
  }

  @Override
  public long getCacheRemovals() {
    return engine.statistics().removals();
  }

  @Override
  public long getCacheEvictions() {
    return engine.statistics().evictions();
  }

  @Override
  public float getAverageGetTime() {
    return (float) (engine.statistics().averageGetTimeNanos() / 1_000);
  }

  @Override
  public float getAveragePutTime() {
    return (float) (engine.statistics().averagePutTimeNanos() / 1_000);
  }

  @Override
  public float getAverageRemoveTime() {
    return (float) (engine.statistics().averageRemoveTimeNanos() / 1_000);
  }
}
