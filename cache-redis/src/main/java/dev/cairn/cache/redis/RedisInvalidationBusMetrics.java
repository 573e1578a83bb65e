package dev.cairn.cache.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Publishes a {@link RedisInvalidationBus}'s work to Micrometer, tagged {@code cache=<name>} like
 * the cache's own meters ({@code CairnCacheMetrics}):
 * <ul>
 *   <li>{@code cache.bus.sent} and {@code cache.bus.received}: invalidations this JVM appended to
 *       the stream, and those of other JVMs it applied;</li>
 *   <li>{@code cache.bus.lag}: for each applied invalidation, the time from Redis appending it (its
 *       stream ID's milliseconds are the server's clock) to this JVM applying it; a timer with
 *       histogram buckets from 1 ms to 1 min, so Prometheus can take its quantiles across JVMs. It
 *       includes any difference between the server's clock and this JVM's;</li>
 *   <li>{@code cache.bus.full.clears}: times the JVM dropped its whole local content for a gap it
 *       could not replay;</li>
 *   <li>{@code cache.bus.disconnects} and {@code cache.bus.disconnected.time} (seconds): times the
 *       JVM lost Redis, and how long it was without it in all;</li>
 *   <li>{@code cache.bus.pending}: invalidations waiting to be sent;</li>
 *   <li>{@code cache.bus.current}: 1 while the cache serves from its own tiers (it has read the
 *       stream within {@code maxStaleness}), 0 while it does not.</li>
 * </ul>
 *
 * <p>Counts and gauges are read from the bus on scrape; the bus is held weakly, as Micrometer
 * holds a function meter's object. The lag is recorded as messages are applied.
 */
public final class RedisInvalidationBusMetrics implements MeterBinder {

  // Invalidations normally arrive within milliseconds; a backlog read after a disconnect can be
  // minutes old. Fixed buckets keep it to 14 series (and +Inf) per cache and JVM, where
  // Micrometer's percentile histogram over the same range has 73; enough to read a p99 from.
  private static final Duration[] LAG_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500,
      1_000, 2_500, 5_000, 10_000, 60_000).map(Duration::ofMillis).toArray(Duration[]::new);

  private final RedisInvalidationBus<?> bus;
  private final Tags tags;

  /** Creates a binder for the bus of the cache {@code cacheName}, tagged with it and {@code tags}. */
  public RedisInvalidationBusMetrics(String cacheName, RedisInvalidationBus<?> bus,
      Iterable<Tag> tags) {
    this.bus = Objects.requireNonNull(bus, "bus");
    this.tags = Tags.of(tags).and("cache", Objects.requireNonNull(cacheName, "cacheName"));
  }

  /**
   * Binds the bus's meters to the registry and returns the bus.
   *
   * @param cacheName the name of the cache the bus serves, as its {@code cache} tag
   * @param tags tag keys and values, in pairs
   */
  public static <B extends RedisInvalidationBus<?>> B monitor(MeterRegistry registry,
      String cacheName, B bus, String... tags) {
    new RedisInvalidationBusMetrics(cacheName, bus, Tags.of(tags)).bindTo(registry);
    return bus;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "cache.bus.sent", "Invalidations this JVM appended to the bus",
        RedisInvalidationBus::sent);
    counter(registry, "cache.bus.received", "Invalidations of other JVMs this JVM applied",
        RedisInvalidationBus::received);
    counter(registry, "cache.bus.full.clears",
        "Times this JVM dropped its whole local content for a gap in the bus it could not replay",
        RedisInvalidationBus::fullClears);
    counter(registry, "cache.bus.disconnects", "Times this JVM lost its connection to the bus",
        RedisInvalidationBus::disconnects);
    FunctionCounter.builder("cache.bus.disconnected.time", bus,
            b -> b.timeDisconnected().toNanos() / (double) TimeUnit.SECONDS.toNanos(1))
        .tags(tags)
        .baseUnit("seconds")
        .description("Time this JVM has been without its bus, in all")
        .register(registry);
    Gauge.builder("cache.bus.pending", bus, RedisInvalidationBus::pending)
        .tags(tags)
        .description("Invalidations waiting to be sent to the bus")
        .register(registry);
    Gauge.builder("cache.bus.current", bus, b -> b.localTiersCurrent() ? 1 : 0)
        .tags(tags)
        .description("1 while the cache serves from its own tiers, having read the bus within"
            + " maxStaleness; 0 while it does not")
        .register(registry);
    Timer lag = Timer.builder("cache.bus.lag")
        .tags(tags)
        .description("Time from Redis appending an invalidation to this JVM applying it")
        .serviceLevelObjectives(LAG_BUCKETS)
        .register(registry);
    bus.addLagListener(millis -> lag.record(millis, TimeUnit.MILLISECONDS));
  }

  private void counter(MeterRegistry registry, String name, String description,
      ToDoubleFunction<RedisInvalidationBus<?>> read) {
    FunctionCounter.builder(name, bus, read)
        .tags(tags)
        .description(description)
        .register(registry);
  }
}
