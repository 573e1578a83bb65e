package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Part of the {@link LowerTierContract}: reads may run while a segment is written, and batches of
 * different segments at once. Every loop is bounded, and threads start together on latches. In
 * each test a writer writes rounds: every key of its batch gets the round's number as its value.
 */
interface ThreadingContract extends TierFixture {

  private static void writeRound(LowerTier<String, String> lower, int segment, List<String> keys,
      int round) {
    lower.write(segment, keys.stream()
        .map(key -> new TierWrite<>(key, Integer.toString(round), NEVER)).toList());
  }

  private static int roundOf(TierEntry<String> entry) {
    if (entry == null) {
      fail("a key written in every round was not found");
    }
    return Integer.parseInt(entry.value());
  }

  @Test
  @Timeout(120)
  default void aReaderSeesEachKeysWritesInTheOrderTheyWereMade() throws Exception {
    LowerTier<String, String> lower = tier();
    List<String> keys = keysOf(0, "ordered", 8);
    CountDownLatch firstRound = new CountDownLatch(1);
    AtomicBoolean writerDone = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();

    runTogether(stop, () -> {
      try {
        for (int round = 1; round <= 200 && !stop.get(); round++) {
          writeRound(lower, 0, keys, round);
          firstRound.countDown();
        }
      } finally {
        writerDone.set(true);
        firstRound.countDown();
      }
      return null;
    }, () -> {
      firstRound.await();
      Map<String, Integer> last = new HashMap<>();
      do {
        for (String key : keys) {
          int round = roundOf(lower.read(0, key));
          int before = last.getOrDefault(key, 1);
          if (round < before) {
            fail("read round " + round + " of " + key + " after its round " + before);
          }
          last.put(key, round);
        }
      } while (!writerDone.get() && !stop.get());
      return null;
    });

    keys.forEach(key -> assertThat(read(key)).isEqualTo(new TierEntry<>("200", NEVER)));
  }

  @Test
  @Timeout(120)
  default void aReaderNeverSeesABatchHalfApplied() throws Exception {
    assumeTrue(atomicBatches(), "the tier does not apply batches atomically");
    LowerTier<String, String> lower = tier();
    List<String> keys = keysOf(0, "atomic", 32);
    // First and last, second and last but one, ...: each read is far from the one before in the
    // batch, in one direction and then the other, whatever order the tier applies a batch in.
    List<String> zigzag = new ArrayList<>();
    for (int i = 0; i < keys.size() / 2; i++) {
      zigzag.add(keys.get(i));
      zigzag.add(keys.get(keys.size() - 1 - i));
    }
    CountDownLatch firstRound = new CountDownLatch(1);
    AtomicBoolean writerDone = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();

    runTogether(stop, () -> {
      try {
        for (int round = 1; round <= 1_000 && !stop.get(); round++) {
          writeRound(lower, 0, keys, round);
          firstRound.countDown();
        }
      } finally {
        writerDone.set(true);
        firstRound.countDown();
      }
      return null;
    }, () -> {
      firstRound.await();
      // Every batch writes every key: reads one after the other can only see rounds that never go
      // down, unless a batch was seen half applied. Checked without AssertJ in the loop, so that
      // the reader keeps up with the writer.
      int last = 1;
      do {
        for (String key : zigzag) {
          int round = roundOf(lower.read(0, key));
          if (round < last) {
            fail("read round " + round + " of " + key + " after round " + last
                + " of another key: a batch was seen half applied");
          }
          last = round;
        }
      } while (!writerDone.get() && !stop.get());
      return null;
    });
  }

  @Test
  @Timeout(120)
  default void readsOfAnotherSegmentGoOnWhileASegmentIsWritten() throws Exception {
    LowerTier<String, String> lower = tier();
    List<String> written = keysOf(0, "busy", 8);
    List<String> quiet = keysOf(1, "quiet", 8);
    lower.write(1, putsOfOwnValues(quiet));
    CountDownLatch writing = new CountDownLatch(1);
    AtomicBoolean readsDone = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    long writerDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);

    runTogether(stop, () -> {
      // Writes until the reads are done: reads that waited for the writer to stop would not end
      // within their time limit.
      for (int round = 1; !readsDone.get() && !stop.get()
          && System.nanoTime() < writerDeadline; round++) {
        writeRound(lower, 0, written, round);
        writing.countDown();
      }
      return null;
    }, () -> {
      try {
        assertThat(writing.await(20, TimeUnit.SECONDS)).as("the writer started").isTrue();
        for (int i = 0; i < 200; i++) {
          for (String key : quiet) {
            assertThat(lower.read(1, key)).isEqualTo(new TierEntry<>(valueOf(key), NEVER));
          }
          assertThat(lower.readAll(1, quiet)).hasSize(quiet.size());
        }
      } finally {
        readsDone.set(true);
      }
      return null;
    });
  }

  @Test
  @Timeout(120)
  default void batchesOfDifferentSegmentsCanBeWrittenAtOnce() throws Exception {
    LowerTier<String, String> lower = tier();
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    List<Callable<Void>> writers = new ArrayList<>();
    for (int segment = 0; segment < SEGMENTS; segment++) {
      int s = segment;
      List<String> keys = keysOf(s, "parallel", 6);
      writers.add(() -> {
        start.await();
        for (int round = 1; round <= 50 && !stop.get(); round++) {
          writeRound(lower, s, keys, round);
          lower.write(s, List.of(removal(keys.get(0))));
        }
        return null;
      });
    }
    writers.add(() -> {
      start.countDown();
      return null;
    });

    runTogether(stop, writers.toArray(Callable<?>[]::new));

    for (int segment = 0; segment < SEGMENTS; segment++) {
      List<String> keys = keysOf(segment, "parallel", 6);
      assertThat(read(keys.get(0))).isNull();
      keys.subList(1, 6).forEach(key -> assertThat(read(key)).as(key)
          .isEqualTo(new TierEntry<>("50", NEVER)));
    }
    assertThat(lower.size()).isEqualTo(SEGMENTS * 5);
  }

  /**
   * Runs the tasks on threads of their own and rethrows the first failure; each task must end
   * within 30 seconds. Never interrupts a task (the engine never interrupts a tier call): on a
   * failure it sets {@code stop}, which every loop checks, and waits for the others to end.
   */
  private static void runTogether(AtomicBoolean stop, Callable<?>... tasks) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(tasks.length);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Callable<?> task : tasks) {
        running.add(threads.submit(task));
      }
      for (Future<?> task : running) {
        try {
          task.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          stop.set(true);
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw (Exception) e.getCause();
        } catch (TimeoutException e) {
          stop.set(true);
          fail("a task did not end within 30 seconds; is a call blocked by another?");
        }
      }
    } finally {
      stop.set(true);
      threads.shutdown();
      threads.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
