package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cairn.cache.core.TieredCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability contract (docs/design.md) with real processes: a forked JVM writes from two
 * threads under write-behind and is killed with SIGKILL again and again, at random moments: while
 * writing, in the middle of a flush, while it is opening and recovering the store the previous kill
 * left, while it closes cleanly, and while the next process warms its memory back up after such a
 * close. Each process gets a random flush interval. Every process checks the store against the
 * fsync'd oracle of completed flushes when it opens; the test checks it once more at the end.
 *
 * <p>24 cycles by default; {@code -Dcairn.crash.cycles=200} (or the {@code soak} profile) for a
 * soak, whose last result is in docs/reliability.md. The seed is printed, and
 * {@code -Dcairn.crash.seed=N} replays a run's workload and kill moments (not their exact timing).
 */
class CrashSafetyTest {

  private static final int CYCLES = Integer.getInteger("cairn.crash.cycles", 24);
  private static final boolean EVERY_PHASE = Boolean.getBoolean("cairn.crash.everyPhase");

  @TempDir
  Path temp;

  /**
   * When a cycle kills its writer. CLEAN_CLOSE kills nothing: it lets the writer close, so that
   * the next cycle, DURING_WARM_UP, opens with hot keys to refill.
   */
  private enum KillMoment {
    WHILE_RECOVERING, WHILE_WRITING, DURING_FLUSH, DURING_CLOSE, CLEAN_CLOSE, DURING_WARM_UP,
    ANY_TIME
  }

  @Test
  void flushedWritesSurviveKillsAlsoDuringRecoveryFlushesClosesAndWarmUps() throws Exception {
    long seed = Long.getLong("cairn.crash.seed", System.nanoTime());
    System.out.println("CrashSafetyTest seed " + seed + ", " + CYCLES + " cycles");
    Random random = new Random(seed);
    Path directory = temp.resolve("cache");
    Path oracle = temp.resolve("oracle.txt");
    Map<String, Integer> landed = new TreeMap<>();
    int recoveryAimMicros = 3_000;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      KillMoment moment = KillMoment.values()[cycle % KillMoment.values().length];
      long flushMillis = 1 + random.nextInt(200);
      long closeAfter = moment == KillMoment.DURING_CLOSE || moment == KillMoment.CLEAN_CLOSE
          ? 600 + random.nextInt(3_000) : 0;
      Child child = Child.start(directory, oracle, seed, flushMillis, closeAfter);
      switch (moment) {
        case WHILE_RECOVERING -> {
          // the recovery log line or OPENED, whichever comes first; then the kill's moment
          // A rebuild takes a few milliseconds here: aim inside it, closer after each miss.
          child.await(child.opening, "start opening its store", cycle);
          TimeUnit.MICROSECONDS.sleep(random.nextInt(recoveryAimMicros));
        }
        case WHILE_WRITING -> {
          child.await(child.verified, "verify its store", cycle);
          TimeUnit.MILLISECONDS.sleep(random.nextInt(600));
        }
        case DURING_FLUSH -> {
          child.await(child.verified, "verify its store", cycle);
          child.await(child.flushing, "start a flush", cycle);
          TimeUnit.MICROSECONDS.sleep(random.nextInt(3_000));
        }
        case DURING_CLOSE -> {
          child.await(child.closing, "start closing", cycle);
          TimeUnit.MICROSECONDS.sleep(random.nextInt(20_000));
        }
        case CLEAN_CLOSE -> child.awaitExit(cycle);
        case DURING_WARM_UP -> {
          child.await(child.warmingStarted, "start warming up", cycle);
          TimeUnit.MICROSECONDS.sleep(random.nextInt(1_000));
        }
        case ANY_TIME -> TimeUnit.MILLISECONDS.sleep(100 + random.nextInt(1_500));
        default -> throw new AssertionError(moment);
      }
      String where = child.whereNow();
      child.kill();
      if (moment == KillMoment.WHILE_RECOVERING && !where.equals("recovering")) {
        recoveryAimMicros = Math.max(1, recoveryAimMicros / 2);
      }
      assertThat(child.output).as("cycle %d (%s): the writer's output", cycle, moment)
          .noneMatch(line -> line.startsWith("VIOLATION") || line.startsWith("WRITER FAILED"));
      assertThat(child.exitCode).as("cycle %d: killed (137) or finished its writes (0); output %s",
          cycle, child.output).isIn(0, 137);
      landed.merge(child.exitCode == 0 ? "finished (clean close)" : where, 1, Integer::sum);
    }
    long flushed = CrashScenario.lastFlushed(oracle);
    try (TieredCache<String, String> cache = CrashScenario.open(directory)) {
      assertThat(CrashScenario.check(seed, flushed, cache::get)).as("violations after the last"
          + " kill, with seed " + seed).isEmpty();
    }
    System.out.println("CrashSafetyTest: " + CYCLES + " cycles, where the kills landed: " + landed
        + "; flushed up to seq " + flushed);
    assertThat(flushed).as("the writers made progress").isPositive();
    assertThat(landed).as("kills landed inside a recovery and while writing")
        .containsKeys("recovering", "writing");
    if (EVERY_PHASE) {
      // A kill a few milliseconds into a flush, a close or a warm-up may find it done already, so
      // only a long run is sure to land in each; the soak profile asks for that.
      assertThat(landed).as("kills landed in every phase").containsKeys("recovering", "writing",
          "flushing", "closing", "warming up", "finished (clean close)");
    }
  }

  /** A writer process and what it has said so far. */
  private static final class Child {
    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    final CountDownLatch recovering = new CountDownLatch(1);
    final CountDownLatch opening = new CountDownLatch(1);
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch verified = new CountDownLatch(1);
    final CountDownLatch flushing = new CountDownLatch(1);
    final CountDownLatch closing = new CountDownLatch(1);
    final CountDownLatch warmingStarted = new CountDownLatch(1);
    volatile long warming;
    volatile boolean warmed;
    // The writer's own lines, not its log's: what it was doing last.
    volatile String lastLine = "";
    private static final Pattern PROTOCOL =
        Pattern.compile("OPENED|WARMING|WARMED|VERIFIED|FLUSHING|FLUSHED|CLOSING|CLOSED");
    final List<Thread> readers = new ArrayList<>();
    int exitCode;

    private Child(Process process) {
      this.process = process;
      readers.add(reader(process.getInputStream()));
      readers.add(reader(process.getErrorStream()));
    }

    static Child start(Path directory, Path oracle, long seed, long flushMillis,
        long closeAfter) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      return new Child(new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          CrashWriter.class.getName(), directory.toString(), oracle.toString(),
          Long.toString(seed), Long.toString(flushMillis), Long.toString(closeAfter)).start());
    }

    /**
     * What the writer was doing by its last line, just before the kill: a guess (it may have
     * moved on since), good enough to show the kills spread over every phase.
     */
    String whereNow() {
      String line = lastLine;
      if (line.equals("FLUSHING")) {
        return "flushing";
      } else if (line.equals("CLOSING")) {
        return "closing";
      } else if (warming > 0 && !warmed) {
        return "warming up";
      } else if (!line.isEmpty()) {
        return "writing";
      } else if (opened.getCount() == 1 && recovering.getCount() == 0) {
        return "recovering";
      }
      return opened.getCount() == 1 ? "opening" : "writing";
    }

    private Thread reader(InputStream stream) {
      Thread thread = new Thread(() -> read(stream), "crash-writer-output");
      thread.setDaemon(true);
      thread.start();
      return thread;
    }

    private void read(InputStream stream) {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream,
          StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          output.add(line);
          if (PROTOCOL.matcher(line).lookingAt()) {
            lastLine = line;
          }
          if (line.startsWith("WARMING ")) {
            warming = Long.parseLong(line.substring("WARMING ".length()));
            warmingStarted.countDown();
          } else if (line.equals("WARMED")) {
            warmed = true;
          } else if (line.equals("FLUSHING")) {
            flushing.countDown();
          } else if (line.equals("CLOSING")) {
            closing.countDown();
          }
          if (line.contains("Recovering segment")) {
            recovering.countDown();
            opening.countDown();
          } else if (line.equals("OPENED")) {
            opened.countDown();
            opening.countDown();
          } else if (line.startsWith("VERIFIED")) {
            verified.countDown();
          }
        }
      } catch (IOException e) {
        output.add("(reading the writer's output failed: " + e + ")");
      }
    }

    /** Waits for a step of the writer; fails at once, with its output, if it died instead. */
    void await(CountDownLatch step, String what, int cycle) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!step.await(50, TimeUnit.MILLISECONDS)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          for (Thread reader : readers) {
            reader.join(10_000);
          }
          fail("cycle " + cycle + ": the writer did not " + what + " ("
              + (process.isAlive() ? "still running after 60 s" : "exit code "
              + process.exitValue()) + "); its output:\n" + String.join("\n", output));
        }
      }
    }

    /** Waits for the writer to finish by itself (it was told to close); fails if it does not. */
    void awaitExit(int cycle) throws InterruptedException {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        fail("cycle " + cycle + ": the writer did not close and exit within 120 s; its output:\n"
            + String.join("\n", output));
      }
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();   // SIGKILL on Unix
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the writer died").isTrue();
      for (Thread reader : readers) {
        reader.join(10_000);
      }
      exitCode = process.exitValue();
    }
  }
}
