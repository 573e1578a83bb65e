package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of every operation, memory-only and over a lower tier. Over a lower tier, the
 * memory tier holds a single entry, so most keys are read from below and promoted.
 */
class OperationContractTest {

  private final MapLowerTier<String, String> tier = new MapLowerTier<>();
  private TieredCache<String, String> cache;

  private TieredCache<String, String> cache(boolean tiered) {
    TieredCacheBuilder<String, String> builder = TieredCache.<String, String>builder("contract")
        // Upkeep on the caller's thread: the bound holds when a write returns, and a one-entry
        // memory then keeps the entry written last (Caffeine's admission window is the whole of
        // it, so the entry before is evicted without a frequency contest). Left to the common
        // pool, the upkeep may not have run when a test reads, and one that sees several writes
        // at once may keep an older key.
        .memoryMaintenanceExecutor(Runnable::run)
        .maximumSize(tiered ? 1 : 100)
        .flushInterval(Duration.ofHours(1));
    if (tiered) {
      builder.lowerTier(tier);
    }
    cache = builder.build();
    return cache;
  }

  @AfterEach
  void close() {
    tier.releaseRead();
    if (cache != null) {
      cache.close();
    }
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void getReturnsWhatPutStored(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    assertThat(c.get("a")).isNull();
    c.put("a", "1");
    c.put("b", "2");
    c.put("a", "3");
    assertThat(c.get("a")).isEqualTo("3");
    assertThat(c.get("b")).isEqualTo("2");
  }

  @Test
  void valuesEvictedFromMemoryAreReadFromBelowAndPromoted() {
    TieredCache<String, String> c = cache(true);
    Map<String, String> written = Map.of("a", "1", "b", "2");
    c.put("a", "1");
    c.put("b", "2");
    c.flush();
    assertThat(c.memoryTierSize()).as("entries memory holds").isEqualTo(1);
    // Which of the two memory kept is its eviction policy's choice: the test asks memory, and
    // expects the other key to be read from below.
    String kept = inMemory(c, "a") ? "a" : "b";
    String evicted = kept.equals("a") ? "b" : "a";

    int readsBefore = tier.reads.get();
    assertThat(c.get(kept)).isEqualTo(written.get(kept));
    assertThat(tier.reads.get()).as("reads below memory for the kept key").isEqualTo(readsBefore);
    // Room in memory, so that the promotion competes with no entry for the one place.
    c.remove(kept);
    assertThat(c.get(evicted)).isEqualTo(written.get(evicted));
    assertThat(tier.reads.get()).as("reads that went to the lower tier")
        .isEqualTo(readsBefore + 1);
    assertThat(inMemory(c, evicted)).as("%s promoted into memory", evicted).isTrue();
    assertThat(c.get(evicted)).isEqualTo(written.get(evicted));
    assertThat(tier.reads.get()).as("reads below memory after the promotion")
        .isEqualTo(readsBefore + 1);
  }

  /**
   * Per-key atomicity across tiers: a read that went below memory promotes what it found under the
   * key's lock, so a write made while the read waits on the lower tier is never overwritten by the
   * older value.
   */
  @Test
  void aPromotionNeverOverwritesAWriteMadeWhileTheReadWasBelow() throws Exception {
    TieredCache<String, String> c = cache(true);
    // Below memory only, as if an earlier run had flushed it: the read goes below memory whichever
    // entries the eviction policy would keep.
    tier.preload("a", "old", Long.MAX_VALUE);
    tier.holdRead("a");
    // A thread of its own, not the common pool, which other work may keep busy.
    FutureTask<String> reader = new FutureTask<>(() -> c.get("a"));
    new Thread(reader, "reader").start();
    assertThat(tier.awaitHeldRead()).as("the read reached the lower tier").isTrue();

    Thread writer = new Thread(() -> c.put("a", "new"), "writer");
    writer.start();
    // The writer either waits for the reader's lock (correct) or finishes at once (a race).
    await().until(() -> writer.getState() == Thread.State.WAITING
        || writer.getState() == Thread.State.TERMINATED);
    tier.releaseRead();
    writer.join();

    assertThat(reader.get(10, TimeUnit.SECONDS)).isIn("old", "new");
    assertThat(c.get("a")).as("the newer write survives the promotion").isEqualTo("new");
  }

  @Test
  void entriesOnlyInTheLowerTierAreServed() {
    TieredCache<String, String> c = cache(true);
    tier.preload("old", "from-disk", Long.MAX_VALUE);
    assertThat(c.containsKey("old")).isTrue();
    assertThat(c.get("old")).isEqualTo("from-disk");
    assertThat(c.getAndPut("old", "new")).isEqualTo("from-disk");
    assertThat(c.get("old")).isEqualTo("new");
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void removedValueNeverComesBackFromBelow(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    c.put("a", "1");
    c.flush();
    assertThat(c.remove("a")).isTrue();
    c.put("filler", "x");
    assertThat(c.get("a")).isNull();
    c.flush();
    c.put("filler2", "y");
    assertThat(c.get("a")).isNull();
    assertThat(c.containsKey("a")).isFalse();
    assertThat(c.remove("a")).isFalse();
    if (tiered) {
      assertThat(tier.stored("a")).isNull();
    }
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void getAllReturnsOnlyTheKeysWithValues(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    c.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(c.getAll(Set.of("a", "c", "z"))).isEqualTo(Map.of("a", "1", "c", "3"));
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void putIfAbsentStoresOnlyWhenAbsent(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    assertThat(c.putIfAbsent("a", "1")).isTrue();
    c.put("other", "x");
    assertThat(c.putIfAbsent("a", "2")).isFalse();
    assertThat(c.get("a")).isEqualTo("1");
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void replaceChangesOnlyPresentOrMatchingValues(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    assertThat(c.replace("a", "1")).isFalse();
    assertThat(c.containsKey("a")).isFalse();
    c.put("a", "1");
    c.put("other", "x");
    assertThat(c.replace("a", "2")).isTrue();
    assertThat(c.replace("a", "wrong", "3")).isFalse();
    assertThat(c.get("a")).isEqualTo("2");
    assertThat(c.replace("a", "2", "3")).isTrue();
    assertThat(c.replace("missing", "2", "3")).isFalse();
    assertThat(c.get("a")).isEqualTo("3");
    assertThat(c.getAndReplace("a", "4")).isEqualTo("3");
    assertThat(c.getAndReplace("missing", "4")).isNull();
    assertThat(c.containsKey("missing")).isFalse();
    assertThat(c.get("a")).isEqualTo("4");
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void removeVariantsRemoveOnlyWhatTheySay(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    c.put("a", "1");
    c.put("b", "2");
    assertThat(c.remove("a", "other")).isFalse();
    assertThat(c.get("a")).isEqualTo("1");
    assertThat(c.remove("a", "1")).isTrue();
    assertThat(c.get("a")).isNull();
    assertThat(c.getAndRemove("b")).isEqualTo("2");
    assertThat(c.getAndRemove("b")).isNull();
    assertThat(c.get("b")).isNull();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void getAndPutReturnsThePreviousValue(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    assertThat(c.getAndPut("a", "1")).isNull();
    c.put("other", "x");
    assertThat(c.getAndPut("a", "2")).isEqualTo("1");
    assertThat(c.get("a")).isEqualTo("2");
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void invokeAppliesTheLastActionOfTheProcessor(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    String result = c.invoke("a", entry -> {
      assertThat(entry.exists()).isFalse();
      entry.setValue("1");
      assertThat(entry.exists()).isTrue();
      assertThat(entry.getValue()).isEqualTo("1");
      entry.remove();
      entry.setValue("2");
      return "done";
    });
    assertThat(result).isEqualTo("done");
    assertThat(c.get("a")).isEqualTo("2");
    c.put("other", "x");
    c.invoke("a", entry -> {
      assertThat(entry.getValue()).isEqualTo("2");
      entry.setValue("3");
      entry.remove();
      return null;
    });
    assertThat(c.get("a")).isNull();
    assertThat(c.containsKey("a")).isFalse();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void throwingProcessorLeavesTheCacheUnchanged(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    c.put("a", "1");
    assertThatThrownBy(() -> c.invoke("a", entry -> {
      entry.setValue("changed");
      throw new IllegalArgumentException("processor failed");
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("processor failed");
    assertThat(c.get("a")).isEqualTo("1");
    c.flush();
    if (tiered) {
      assertThat(tier.stored("a").value()).isEqualTo("1");
    }
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void computeStoresOrRemovesTheResult(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    assertThat(c.compute("a", (k, v) -> v == null ? k + "1" : v + "+")).isEqualTo("a1");
    c.put("other", "x");
    assertThat(c.compute("a", (k, v) -> v == null ? k + "1" : v + "+")).isEqualTo("a1+");
    assertThat(c.compute("a", (k, v) -> null)).isNull();
    assertThat(c.containsKey("a")).isFalse();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void iterationSeesEveryLiveKeyOnceAndCanRemove(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    Map<String, String> expected = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      c.put("k" + i, "v" + i);
      expected.put("k" + i, "v" + i);
    }
    if (tiered) {
      c.flush();
      for (int i = 50; i < 60; i++) {   // these stay in the buffer only
        c.put("k" + i, "v" + i);
        expected.put("k" + i, "v" + i);
      }
      c.remove("k3");                   // a tombstone over a flushed value
      expected.remove("k3");
      tier.preload("below-only", "d", Long.MAX_VALUE);
      expected.put("below-only", "d");
    }
    Map<String, String> seen = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (Map.Entry<String, String> entry : c) {
      seen.put(entry.getKey(), entry.getValue());
      order.add(entry.getKey());
    }
    assertThat(order).doesNotHaveDuplicates();
    assertThat(seen).isEqualTo(expected);
    assertThat(c.size()).isEqualTo(expected.size());

    Iterator<Map.Entry<String, String>> it = c.iterator();
    while (it.hasNext()) {
      if (it.next().getKey().startsWith("k1")) {
        it.remove();
      }
    }
    expected.keySet().removeIf(key -> key.startsWith("k1"));
    assertThat(c.size()).isEqualTo(expected.size());
    assertThat(c.get("k10")).isNull();
  }

  @Test
  void iteratorRemoveBeforeNextIsRefused() {
    TieredCache<String, String> c = cache(false);
    c.put("a", "1");
    assertThatThrownBy(() -> c.iterator().remove()).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void clearEmptiesEveryTier(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    c.put("a", "1");
    c.flush();
    c.put("b", "2");
    c.clear();
    assertThat(c.get("a")).isNull();
    assertThat(c.get("b")).isNull();
    assertThat(c.size()).isZero();
    c.flush();
    if (tiered) {
      assertThat(tier.size()).isZero();
    }
  }

  @Test
  void nullArgumentsAreRejectedNamingTheArgument() {
    TieredCache<String, String> c = cache(false);
    assertThatThrownBy(() -> c.get(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> c.put(null, "v")).isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> c.put("k", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> c.replace("k", null, "v")).isInstanceOf(NullPointerException.class)
        .hasMessage("oldValue");
    assertThatThrownBy(() -> c.replace("k", "v", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("newValue");
    assertThatThrownBy(() -> c.invoke("k", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("processor");
    Map<String, String> withNullValue = new HashMap<>();
    withNullValue.put("fine", "1");
    withNullValue.put("bad", null);
    assertThatThrownBy(() -> c.putAll(withNullValue)).isInstanceOf(NullPointerException.class)
        .hasMessage("a value in map");
    assertThat(c.containsKey("fine")).as("putAll with a null stores nothing").isFalse();
  }

  @ParameterizedTest(name = "tiered: {0}")
  @ValueSource(booleans = {false, true})
  void closedCacheRefusesEveryOperation(boolean tiered) {
    TieredCache<String, String> c = cache(tiered);
    c.put("a", "1");
    c.close();
    c.close();
    assertThat(c.isClosed()).isTrue();
    for (Runnable operation : List.<Runnable>of(() -> c.get("a"), () -> c.put("a", "2"),
        () -> c.remove("a"), () -> c.containsKey("a"), c::clear, c::iterator, c::flush,
        () -> c.compute("a", (k, v) -> v), () -> c.getAll(Set.of()), () -> c.putAll(Map.of()),
        c::size)) {
      assertThatThrownBy(operation::run).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("contract");
    }
    if (tiered) {
      assertThat(tier.closed).isTrue();
      assertThat(tier.stored("a").value()).as("close flushed the buffer").isEqualTo("1");
    }
  }

  /**
   * Whether memory holds the key, which must be in the cache with no write pending: containsKey
   * promotes nothing, and reads the lower tier only when memory does not hold the key.
   */
  private boolean inMemory(TieredCache<String, String> c, String key) {
    int readsBefore = tier.reads.get();
    assertThat(c.containsKey(key)).as("%s is in the cache", key).isTrue();
    return tier.reads.get() == readsBefore;
  }
}
