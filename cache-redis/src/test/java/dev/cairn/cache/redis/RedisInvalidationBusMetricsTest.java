package dev.cairn.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.core.TieredCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bus's meters over a real redis-server of the test's own: two copies of the cache "prices",
 * each with a bus and a registry of its own as two JVMs would have, on one server.
 */
class RedisInvalidationBusMetricsTest {

  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final Duration MAX_STALENESS = Duration.ofMillis(500);

  @TempDir
  Path temp;

  private RedisServer server;
  private final List<TieredCache<String, String>> caches = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = RedisServer.start(temp.resolve("redis"), true);
  }

  @AfterEach
  void stop() throws Exception {
    for (TieredCache<String, String> cache : caches) {
      cache.close();
    }
    server.close();
  }

  /** One JVM's copy of "prices", its bus's meters bound to {@code registry}. */
  private TieredCache<String, String> member(MeterRegistry registry) {
    RedisInvalidationBus<String> bus = RedisInvalidationBusMetrics.monitor(registry, "prices",
        RedisInvalidationBus.builder(server.uri(), KeyCodec.strings())
            .maxStaleness(MAX_STALENESS).build());
    TieredCache<String, String> cache = TieredCache.<String, String>builder("prices")
        .maximumSize(1_000).coherence(bus).build();
    caches.add(cache);
    return cache;
  }

  private static double counter(MeterRegistry registry, String name) {
    return registry.get(name).tag("cache", "prices").functionCounter().count();
  }

  private static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).tag("cache", "prices").gauge().value();
  }

  @Test
  void aChangeOnOneMemberIsCountedSentThereAndReceivedWithItsLagOnTheOther() {
    SimpleMeterRegistry a = new SimpleMeterRegistry();
    SimpleMeterRegistry b = new SimpleMeterRegistry();
    TieredCache<String, String> first = member(a);
    member(b);

    first.put("apple", "1.20");

    await().atMost(WITHIN).until(() -> counter(b, "cache.bus.received") == 1);
    assertThat(counter(a, "cache.bus.sent")).isEqualTo(1);
    assertThat(counter(a, "cache.bus.received")).as("its own change is not received").isZero();
    assertThat(counter(b, "cache.bus.sent")).isZero();
    Timer lag = b.get("cache.bus.lag").tag("cache", "prices").timer();
    assertThat(lag.count()).isEqualTo(1);
    assertThat(lag.max(TimeUnit.SECONDS)).as("applied within the test's wait").isLessThan(10);
    assertThat(lag.takeSnapshot().histogramCounts()).as("buckets for Prometheus's quantiles")
        .hasSize(14);
    assertThat(a.get("cache.bus.lag").timer().count()).isZero();
    assertThat(gauge(b, "cache.bus.current")).isEqualTo(1);
    assertThat(gauge(a, "cache.bus.pending")).isZero();
    assertThat(counter(b, "cache.bus.full.clears")).isZero();
    assertThat(counter(b, "cache.bus.disconnects")).isZero();
    assertThat(counter(b, "cache.bus.disconnected.time")).isZero();
  }

  @Test
  void aLostServerTurnsCurrentToZeroAndCountsTheDisconnectAndItsTimeUntilItComesBack()
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieredCache<String, String> cache = member(registry);
    assertThat(gauge(registry, "cache.bus.current")).isEqualTo(1);

    server.kill();
    await().atMost(WITHIN).until(() -> gauge(registry, "cache.bus.current") == 0);
    assertThat(counter(registry, "cache.bus.disconnects")).isEqualTo(1);
    double down = counter(registry, "cache.bus.disconnected.time");
    assertThat(down).as("seconds without the bus").isPositive();
    await().atMost(WITHIN).until(() -> counter(registry, "cache.bus.disconnected.time") > down);
    cache.put("apple", "written while Redis is down");
    // Awaited: between its tries to send, not while the publisher holds it in a try.
    await().atMost(WITHIN).until(() -> gauge(registry, "cache.bus.pending") == 1);

    server.restart();
    await().atMost(WITHIN).until(() -> gauge(registry, "cache.bus.current") == 1
        && gauge(registry, "cache.bus.pending") == 0);
    double back = counter(registry, "cache.bus.disconnected.time");
    assertThat(back).isGreaterThan(down);
    assertThat(counter(registry, "cache.bus.sent")).isEqualTo(1);
    // At least the one loss; the reading and the sending connections come back one after the
    // other, so the sender may still find its own connection down once the reader is back.
    assertThat(counter(registry, "cache.bus.disconnects")).isGreaterThanOrEqualTo(1);
    // Connected again: the disconnected time stops growing.
    await().during(Duration.ofMillis(300)).atMost(WITHIN)
        .until(() -> counter(registry, "cache.bus.disconnected.time") == back);
  }
}
