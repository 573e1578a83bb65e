package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of coherence with other processes: which operations announce a change (every
 * change of a key, and an unconditional removal even of an absent key; never expiry, evictions or
 * warm-up), that a writer waits for what the coherence layer returned, that a local invalidation
 * drops the key from memory and the lower tier without announcing anything (and keeps a load in
 * flight from storing, not from answering), and that a cache whose coherence layer says it is
 * stale serves nothing from its own tiers.
 */
class CoherenceTest {

  /** Records what the cache announced; can hold writers and can say the tiers are stale. */
  static final class RecordingCoherence implements Coherence<String> {
    final List<String> announced = new CopyOnWriteArrayList<>();
    final AtomicBoolean current = new AtomicBoolean(true);
    volatile CompletableFuture<Void> reply = CompletableFuture.completedFuture(null);
    volatile TieredCache<String, ?> cache;
    volatile boolean closed;

    @Override public void start(TieredCache<String, ?> joining, String savedPosition) {
      cache = joining;
    }

    @Override public CompletionStage<?> changed(String key) {
      announced.add(key);
      return reply;
    }

    @Override public CompletionStage<?> cleared() {
      announced.add("*clear*");
      return reply;
    }

    @Override public boolean localTiersCurrent() {
      return current.get();
    }

    @Override public String close() {
      closed = true;
      return null;
    }
  }

  private final RecordingCoherence coherence = new RecordingCoherence();
  private final MapLowerTier<String, String> tier = new MapLowerTier<>();

  private TieredCache<String, String> cache() {
    return TieredCache.<String, String>builder("coherent").maximumSize(100).segments(1)
        .lowerTier(tier).coherence(coherence).build();
  }

  @Test
  void everyChangeOfAKeyIsAnnouncedOnceAndNothingElseIs() {
    try (TieredCache<String, String> cache = cache()) {
      assertThat(coherence.cache).as("started before use").isSameAs(cache);
      cache.put("put", "1");
      cache.replace("put", "2");
      cache.replace("absent", "x");              // changes nothing: not announced
      cache.remove("put");
      cache.remove("never there");               // an invalidation: announced all the same
      cache.invoke("processed", entry -> {
        entry.setValue("p");
        return null;
      });
      cache.get("loaded", key -> "from the loader");
      cache.get("loaded");                        // a read announces nothing
      cache.clear();
      assertThat(coherence.announced).containsExactly("put", "put", "put", "never there",
          "processed", "loaded", "*clear*");
    }
    assertThat(coherence.closed).isTrue();
  }

  @Test
  void aWriterWaitsForWhatTheCoherenceLayerReturnsAfterReleasingTheKeysLock() throws Exception {
    try (TieredCache<String, String> cache = cache()) {
      coherence.reply = new CompletableFuture<>();
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> cache.put("k", "v"));
      org.awaitility.Awaitility.await().until(() -> coherence.announced.contains("k"));
      assertThat(writing).as("the put waits for the announcement").isNotDone();
      assertThat(cache.get("k")).as("the key's lock is free meanwhile").isEqualTo("v");
      coherence.reply.complete(null);
      writing.get();
    }
  }

  @Test
  void aLocalInvalidationDropsTheKeyFromEveryTierAndAnnouncesNothing() {
    try (TieredCache<String, String> cache = cache()) {
      cache.put("k", "v");
      cache.flush();
      coherence.announced.clear();
      cache.invalidateLocally("k");
      cache.flush();
      assertThat(cache.get("k")).isNull();
      assertThat(tier.read(0, "k")).as("gone below too").isNull();
      cache.put("a", "1");
      cache.put("b", "2");
      coherence.announced.clear();
      cache.invalidateAllLocally();
      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("b")).isNull();
      assertThat(coherence.announced).isEmpty();
    }
  }

  /**
   * Found by BusFaultTest (cache-redis): an invalidation from another JVM during a read-through
   * load made that read return null, a miss for a key the system of record holds.
   */
  @Test
  void aLoadOverlappingALocalInvalidationAnswersItsReadersButStoresNothing() throws Exception {
    for (boolean all : new boolean[] {false, true}) {
      try (TieredCache<String, String> cache = cache();
          ParkedThreads threads = new ParkedThreads()) {
        CountDownLatch release = new CountDownLatch(1);
        Future<String> reader = threads.submit(() -> cache.get("k", key -> {
          await(release);
          return "loaded";
        }));
        threads.awaitParked(1);   // in the loader: the load is registered before the second read
        Future<String> joined = threads.submit(() -> cache.get("k", key -> "second load"));
        threads.awaitParked(2);
        if (all) {
          cache.invalidateAllLocally();
        } else {
          cache.invalidateLocally("k");
        }
        release.countDown();
        assertThat(reader.get(10, TimeUnit.SECONDS)).as("all=%s", all).isEqualTo("loaded");
        assertThat(joined.get(10, TimeUnit.SECONDS)).as("all=%s", all).isEqualTo("loaded");
        assertThat(cache.get("k")).as("not stored, all=%s", all).isNull();
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aStaleCacheServesNothingFromItsOwnTiersAndLoadsWithoutStoring() {
    try (TieredCache<String, String> cache = cache()) {
      cache.put("k", "mine");
      coherence.current.set(false);
      assertThat(cache.get("k")).isNull();
      assertThat(cache.containsKey("k")).isFalse();
      assertThat(cache.getAll(java.util.Set.of("k"))).isEmpty();
      assertThat(cache.get("k", key -> "loaded")).isEqualTo("loaded");
      coherence.current.set(true);
      assertThat(cache.get("k")).as("nothing was stored while stale").isEqualTo("mine");
    }
  }
}
