package dev.cairn.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.core.tier.PartialBatchException;
import dev.cairn.cache.core.tier.TierWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WriteBehindQueue}: the engine's write-behind lanes over a sink of the application's, as
 * Cairn's JCache layer uses them to write behind to a {@code CacheWriter}. The sink here records
 * every batch it accepts, and can be told to fail or to hold a batch.
 */
class WriteBehindQueueTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private final RecordingSink sink = new RecordingSink();
  private final List<WriteBehindQueue<String, String>> queues = new ArrayList<>();

  @AfterEach
  void closeQueues() {
    sink.failuresLeft.set(0);
    sink.hold.countDown();
    queues.forEach(WriteBehindQueue::close);
  }

  @Test
  void changesOfOneKeyBeforeAFlushReachTheSinkAsItsLastChangeOnly() {
    WriteBehindQueue<String, String> queue = queue(builder().flushInterval(NEVER));
    for (int i = 0; i < 50; i++) {
      queue.put("a", "v" + i);
    }
    queue.put("b", "x");
    queue.remove("b");
    assertThat(sink.batches).as("nothing reaches the sink before the flush").isEmpty();

    queue.flush();

    assertThat(sink.changes()).containsOnly(Map.entry("a", "v49"), Map.entry("b", "<removed>"));
    assertThat(sink.batches.stream().mapToInt(List::size).sum()).isEqualTo(2);
    assertThat(queue.pendingCount()).isZero();
    assertThat(queue.flushedEntries()).isEqualTo(2);
  }

  @Test
  void aFlushWritesBatchesNoLargerThanTheBatchSize() {
    WriteBehindQueue<String, String> queue = queue(builder().segments(1).flushBatchSize(10)
        .writeBufferCapacity(20).flushInterval(NEVER));
    for (int i = 0; i < 95; i++) {
      queue.put("k" + i, "v" + i);
    }
    await().until(() -> sink.batches.size() >= 9);

    queue.flush();

    assertThat(sink.batches).hasSize(10).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1,
        10));
    assertThat(sink.changes()).hasSize(95).containsEntry("k94", "v94");
  }

  @Test
  void aHalfFullBufferAndTheFlushIntervalEachWriteWithoutAFlushCall() throws Exception {
    WriteBehindQueue<String, String> full = queue(builder().segments(1).flushBatchSize(5)
        .writeBufferCapacity(100).flushInterval(NEVER));
    for (int i = 0; i < 49; i++) {
      full.put("k" + i, "v");
    }
    Thread.sleep(200); // a lane started early would have written a batch by now
    assertThat(sink.batches).as("below half the buffer, writes wait for the interval").isEmpty();
    full.put("k49", "v");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.changes().size() >= 46);
    assertThat(sink.batches).as("an early lane writes full batches only")
        .allSatisfy(batch -> assertThat(batch).hasSize(5));

    WriteBehindQueue<String, String> timed = queue(builder().flushInterval(Duration.ofMillis(20)));
    timed.put("late", "v");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.changes().containsKey("late"));
  }

  @Test
  void aBatchTheSinkRefusesIsRetriedUntilItIsAccepted() {
    sink.failuresLeft.set(3);
    WriteBehindQueue<String, String> queue = queue(builder().flushInterval(Duration.ofMillis(10))
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)));
    queue.put("k", "v");

    await().atMost(Duration.ofSeconds(10)).until(() -> sink.changes().containsKey("k"));
    assertThat(queue.flushFailures()).isEqualTo(3);
    assertThat(queue.pendingCount()).isZero();
  }

  @Test
  void afterAPartialFailureOnlyWhatTheSinkDidNotApplyIsRetried() {
    WriteBehindQueue<String, String> queue = queue(builder().segments(1).flushInterval(NEVER));
    sink.applyOnlyFirstOnce.set(true);
    queue.put("a", "1");
    queue.put("b", "2");
    queue.put("c", "3");

    assertThatThrownBy(queue::flush).isInstanceOf(CacheWriteException.class)
        .hasCauseInstanceOf(PartialBatchException.class);
    assertThat(queue.pendingCount()).as("the applied write left the buffer").isEqualTo(2);

    queue.flush();
    List<TierWrite<String, String>> retried = sink.batches.get(sink.batches.size() - 1);
    assertThat(retried).hasSize(2);
    assertThat(sink.changes()).hasSize(3);
  }

  @Test
  void closeHandsEverythingWaitingToTheSinkAndThenRefusesChanges() {
    WriteBehindQueue<String, String> queue = queue(builder().flushInterval(NEVER));
    for (int i = 0; i < 100; i++) {
      queue.put("k" + i, "v" + i);
    }
    queue.close();

    assertThat(sink.changes()).hasSize(100);
    assertThatThrownBy(() -> queue.put("k", "v")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aFullBufferBlocksForTheTimeoutThenFailsTheChangeAndQueuesNothing() throws Exception {
    sink.hold = new CountDownLatch(1);
    WriteBehindQueue<String, String> queue = queue(builder().segments(1).writeBufferCapacity(2)
        .flushInterval(NEVER).backPressure(BackPressure.BLOCK, Duration.ofMillis(100)));
    queue.put("a", "1");
    queue.put("b", "2");
    assertThat(sink.entered.await(10, TimeUnit.SECONDS)).as("the full buffer started a batch")
        .isTrue();

    assertThatThrownBy(() -> queue.put("c", "3")).isInstanceOf(CacheWriteException.class)
        .hasMessageContaining("stayed full (2 entries)").hasMessageContaining("the test sink");

    sink.hold.countDown();
    queue.flush();
    assertThat(sink.changes()).containsOnlyKeys("a", "b");
  }

  @Test
  void underWriteThroughBackPressureAFullBufferHandsTheChangeToTheSinkOnTheCallersThread() {
    sink.failOnLanes = true;
    WriteBehindQueue<String, String> queue = queue(builder().segments(1).writeBufferCapacity(1)
        .flushInterval(NEVER).backPressure(BackPressure.WRITE_THROUGH, Duration.ofSeconds(1)));
    queue.put("a", "1");

    queue.put("b", "2");
    assertThat(sink.changes()).as("b went through while a is stuck in the buffer")
        .containsOnlyKeys("b");
    assertThat(sink.threads).containsExactly(Thread.currentThread().getName());

    sink.failuresLeft.set(1);
    assertThatThrownBy(() -> queue.put("c", "3")).isInstanceOf(CacheWriteException.class)
        .hasMessageContaining("Write-through to the test sink");
    assertThat(sink.changes()).doesNotContainKey("c");
    sink.failOnLanes = false;
  }

  @Test
  void concurrentWritersOfDisjointKeysLeaveTheSinkWithEachKeysLastValue() throws Exception {
    WriteBehindQueue<String, String> queue = queue(builder().flushBatchSize(16)
        .writeBufferCapacity(64).flushInterval(Duration.ofMillis(5)));
    Thread[] writers = new Thread[2];
    for (int t = 0; t < writers.length; t++) {
      int id = t;
      writers[t] = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          queue.put("t" + id + "-" + (i % 100), Integer.toString(i));
        }
      });
      writers[t].start();
    }
    for (Thread writer : writers) {
      writer.join();
    }
    queue.flush();

    Map<String, String> last = sink.changes();
    for (int t = 0; t < writers.length; t++) {
      for (int k = 0; k < 100; k++) {
        assertThat(last).containsEntry("t" + t + "-" + k, Integer.toString(19_900 + k));
      }
    }
  }

  private WriteBehindQueue.Builder<String, String> builder() {
    return WriteBehindQueue.builder("queue-test", "the test sink", sink);
  }

  private WriteBehindQueue<String, String> queue(WriteBehindQueue.Builder<String, String> b) {
    WriteBehindQueue<String, String> queue = b.build();
    queues.add(queue);
    return queue;
  }

  /** Records accepted batches; fails, holds or half-applies batches when told to. */
  private static final class RecordingSink implements WriteBehindQueue.Sink<String, String> {
    final List<List<TierWrite<String, String>>> batches = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicBoolean applyOnlyFirstOnce = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile boolean failOnLanes;

    @Override
    public void write(List<TierWrite<String, String>> batch) {
      entered.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (failOnLanes && Thread.currentThread().getName().startsWith("cairn-flush")) {
        throw new IllegalStateException("the sink refuses the lanes");
      }
      if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throw new IllegalStateException("the sink is down");
      }
      if (batch.size() > 1 && applyOnlyFirstOnce.compareAndSet(true, false)) {
        batches.add(List.of(batch.get(0)));
        throw new PartialBatchException("only the first", List.of(batch.get(0)),
            new IllegalStateException("the rest failed"));
      }
      threads.add(Thread.currentThread().getName());
      batches.add(List.copyOf(batch));
    }

    /** Each key's last change in the order batches were accepted; removals as "<removed>". */
    Map<String, String> changes() {
      Map<String, String> last = new HashMap<>();
      for (List<TierWrite<String, String>> batch : batches) {
        for (TierWrite<String, String> write : batch) {
          last.put(write.key(), write.isRemoval() ? "<removed>" : write.value());
        }
      }
      return last;
    }
  }
}
