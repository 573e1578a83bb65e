package dev.cairn.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invalidation bus over a real redis-server of the test's own: two caches of the same name,
 * each on a bus of its own as two JVMs would be, on one server. What one changes, the other drops
 * from its memory and its disk tier; gaps it cannot replay drop everything; a cut-off cache stops
 * serving from its own tiers; writes go on while Redis is down and their invalidations follow.
 */
class RedisInvalidationBusTest {

  // A bound, not a wait: generous, since the first test also pays for starting Lettuce and Netty.
  private static final Duration WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path temp;

  private RedisServer server;
  private final List<TieredCache<String, String>> caches = new ArrayList<>();
  private final List<RedisInvalidationBus<String>> buses = new ArrayList<>();

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

  private RedisInvalidationBus<String> bus(Duration maxStaleness) {
    RedisInvalidationBus<String> bus = RedisInvalidationBus.builder(server.uri(), KeyCodec.strings())
        .maxStaleness(maxStaleness).build();
    buses.add(bus);
    return bus;
  }

  /** One JVM's copy of the cache "prices", memory only. */
  private TieredCache<String, String> member(RedisInvalidationBus<String> bus) {
    TieredCache<String, String> cache = TieredCache.<String, String>builder("prices")
        .maximumSize(1_000).coherence(bus).build();
    caches.add(cache);
    return cache;
  }

  private TieredCache<String, String> member() {
    return member(bus(Duration.ofSeconds(5)));
  }

  @Test
  void aPutOnOneMemberDropsTheKeyFromTheOtherButNotFromItself() {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    b.put("apple", "1.00 (b's copy)");
    await().atMost(WITHIN).until(() -> buses.get(0).received() == 1);   // a read b's put
    a.put("apple", "1.20");
    await().atMost(WITHIN).until(() -> b.get("apple") == null);
    b.put("marker", "after a's put in the stream");
    // By the time a has read b's marker it has read its own put too, and ignored it.
    await().atMost(WITHIN).until(() -> buses.get(0).received() == 2);
    assertThat(a.get("apple")).isEqualTo("1.20");
    assertThat(buses.get(1).received()).isEqualTo(1);
  }

  @Test
  void aRemoveOfAKeyThisMemberDoesNotHoldStillDropsItElsewhere() {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    b.put("apple", "b's copy");
    a.remove("apple");     // @CacheEvict on the instance that never read it
    await().atMost(WITHIN).until(() -> b.get("apple") == null);
  }

  @Test
  void removesReplacesProcessorsAndStoredLoadsInvalidateToo() {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    for (String key : List.of("removed", "replaced", "processed", "loaded")) {
      b.put(key, "b's copy");
    }
    RedisInvalidationBus<String> bBus = buses.get(1);
    long before = bBus.received();
    a.remove("removed");
    a.put("replaced", "x");
    a.replace("replaced", "y");
    a.invoke("processed", entry -> {
      entry.setValue("p");
      return null;
    });
    a.get("loaded", key -> "from the database");
    await().atMost(WITHIN).until(() -> bBus.received() >= before + 5);
    for (String key : List.of("removed", "replaced", "processed", "loaded")) {
      assertThat(b.get(key)).as(key).isNull();
    }
  }

  @Test
  void aClearOnOneMemberEmptiesTheOther() {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    b.put("apple", "1");
    b.put("pear", "2");
    a.clear();
    await().atMost(WITHIN).until(() -> b.get("apple") == null && b.get("pear") == null);
  }

  @Test
  void anInvalidatedKeyLeavesTheDiskTierTooNotOnlyMemory() {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = TieredCache.<String, String>builder("prices")
        .maximumSize(1_000).coherence(bus(Duration.ofSeconds(5)))
        .lowerTier(DiskTier.of(temp.resolve("b-disk"), Serializers.string(),
            Serializers.string()))
        .build();
    caches.add(b);
    b.put("apple", "b's copy");
    b.flush();
    a.put("apple", "new");
    await().atMost(WITHIN).until(() -> buses.get(1).received() >= 1);
    b.flush();
    assertThat(b.get("apple")).isNull();
    assertThat(b.size()).as("nothing left below either").isZero();
  }

  private TieredCache<String, String> diskMember(Path directory) {
    TieredCache<String, String> cache = TieredCache.<String, String>builder("prices")
        .maximumSize(1_000).coherence(bus(Duration.ofSeconds(5)))
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
        .build();
    caches.add(cache);
    return cache;
  }

  @Test
  void aPersistentMemberResumesFromWhereItStoppedAfterACleanClose() {
    TieredCache<String, String> a = member();
    Path bDisk = temp.resolve("b-disk");
    TieredCache<String, String> b = diskMember(bDisk);
    b.put("apple", "b's apple");
    b.put("pear", "b's pear");
    b.close();
    assertThat(bDisk.resolve("coherence-position")).exists();

    a.put("apple", "changed while b was closed");

    TieredCache<String, String> reopened = diskMember(bDisk);
    assertThat(bDisk.resolve("coherence-position")).as("taken at open: a crash now starts cold")
        .doesNotExist();
    assertThat(reopened.get("apple")).as("replayed before serving").isNull();
    assertThat(reopened.get("pear")).as("no gap: the rest is kept").isEqualTo("b's pear");
    assertThat(buses.get(buses.size() - 1).fullClears()).isZero();
  }

  @Test
  void aPersistentMemberWhosePositionWasTrimmedAwayStartsCold() throws Exception {
    TieredCache<String, String> a = member();
    Path bDisk = temp.resolve("b-disk");
    TieredCache<String, String> b = diskMember(bDisk);
    b.put("pear", "b's pear");
    b.close();
    a.put("apple", "changed while b was closed");
    server.command("XTRIM", "cairn:{prices}:invalidations", "MAXLEN", "0");

    TieredCache<String, String> reopened = diskMember(bDisk);
    assertThat(reopened.get("pear")).as("what it missed is unknown: nothing is kept").isNull();
    assertThat(buses.get(buses.size() - 1).fullClears()).isEqualTo(1);
  }

  @Test
  void aServerThatLostItsDataIsAGapThatDropsEverythingLocal() throws Exception {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    a.put("seen", "1");  // b reads it: b's position is past the start of the stream
    await().atMost(WITHIN).until(() -> buses.get(1).received() >= 1);
    b.put("kept by b", "b's copy");

    server.kill();
    server.restartEmpty();

    await().atMost(WITHIN).until(() -> buses.get(1).fullClears() >= 1);
    assertThat(b.get("kept by b")).as("b could not know what it missed").isNull();
  }

  @Test
  void aStreamTrimmedPastWhatAMemberReadIsAGapToo() throws Exception {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    a.put("first", "1");
    await().atMost(WITHIN).until(() -> buses.get(1).received() >= 1);
    b.put("kept by b", "b's copy");

    // A message b has not read, trimmed away in the same step: b can never read it.
    assertThat(server.command("EVAL", "redis.call('XADD', KEYS[1], '*', 'n', 'someone', 'k', 'x')"
        + " return redis.call('XTRIM', KEYS[1], 'MAXLEN', 0)", "1",
        "cairn:{prices}:invalidations")).startsWith(":");

    await().atMost(WITHIN).until(() -> buses.get(1).fullClears() >= 1);
    assertThat(b.get("kept by b")).isNull();
  }

  @Test
  void writesGoOnWhileRedisIsDownAndTheirInvalidationsFollowOnReconnect() throws Exception {
    TieredCache<String, String> a = member();
    TieredCache<String, String> b = member();
    b.put("apple", "b's copy");
    await().atMost(WITHIN).until(() -> buses.get(0).received() >= 1);

    server.kill();
    a.put("apple", "written while Redis was down");   // returns: the write goes on
    assertThat(a.get("apple")).isEqualTo("written while Redis was down");
    assertThat(buses.get(0).pending()).isPositive();
    server.restart();

    await().atMost(WITHIN).until(() -> b.get("apple") == null);
    assertThat(buses.get(1).fullClears()).as("the data survived: b resumed, no gap").isZero();
  }

  @Test
  void aMemberCutOffLongerThanItsStalenessBoundStopsServingUntilItCatchesUp() throws Exception {
    TieredCache<String, String> b = member(bus(Duration.ofMillis(300)));
    b.put("apple", "b's copy");
    assertThat(b.get("apple")).isEqualTo("b's copy");

    server.kill();
    await().atMost(WITHIN).until(() -> !buses.get(0).localTiersCurrent());
    assertThat(b.get("apple")).as("cut off: not served from its own tiers").isNull();
    assertThat(b.get("apple", key -> "from the database")).isEqualTo("from the database");

    server.restart();
    await().atMost(WITHIN).until(() -> buses.get(0).localTiersCurrent());
    assertThat(b.get("apple")).as("caught up, no gap: served again").isEqualTo("b's copy");
  }

  @Test
  void aCacheCannotBeBuiltOnABusItCannotReach() throws Exception {
    server.kill();
    assertThatThrownBy(() -> member())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot join its invalidation bus")
        .hasMessageContaining(Integer.toString(server.port()));
  }
}
