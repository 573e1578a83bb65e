package dev.cairn.cache.demo;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import java.util.Collection;

/**
 * Reads one cache's counters from the application's {@link MeterRegistry}, where Cairn's Spring
 * module binds them: the report shows what a dashboard would.
 */
final class CacheMeters {

  // Cairn's disk tier's name, the tier tag of its meters.
  private static final String DISK = "disk";

  private final MeterRegistry registry;
  private final String cache;

  CacheMeters(MeterRegistry registry, String cache) {
    this.registry = registry;
    this.cache = cache;
  }

  /** Returns the counters now. */
  CacheCounts read() {
    return new CacheCounts(
        count("cache.gets", "result", "hit"),
        count("cache.gets", "result", "miss"),
        count("cache.tier.gets", "tier", "memory", "result", "hit"),
        count("cache.tier.gets", "tier", "memory", "result", "miss"),
        count("cache.tier.gets", "tier", DISK, "result", "hit"),
        count("cache.tier.gets", "tier", DISK, "result", "miss"));
  }

  private long count(String name, String... tags) {
    Collection<Meter> meters = registry.find(name).tag("cache", cache).tags(tags).meters();
    if (meters.isEmpty()) {
      throw new IllegalStateException("No meter " + name + " for the cache '" + cache
          + "' in the registry: Cairn's Spring module binds them when Micrometer and Spring"
          + " Boot's actuator are on the class path and the cache has a disk tier");
    }
    double sum = 0;
    for (Meter meter : meters) {
      for (Measurement measurement : meter.measure()) {
        sum += measurement.getValue();
      }
    }
    return Math.round(sum);
  }
}
