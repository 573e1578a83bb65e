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
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN invariant 4 with real processes: a forked JVM writes under write-behind and is killed
 * with SIGKILL again and again, at random moments, while writing and flushing, and while it is
 * opening and recovering the store the previous kill left. Every process checks the store against
 * the fsync'd oracle of completed flushes when it opens; the test checks it once more at the end.
 *
 * <p>20 cycles by default; {@code -Dcairn.crash.cycles=200} (or the {@code soak} profile) for a
 * soak. The seed is printed, and {@code -Dcairn.crash.seed=N} replays a run's workload.
 */
class CrashSafetyTest {

  private static final int CYCLES = Integer.getInteger("cairn.crash.cycles", 20);

  @TempDir
  Path temp;

  private enum KillMoment { WHILE_RECOVERING, WHILE_WRITING, ANY_TIME }

  @Test
  void flushedWritesSurviveKillsAlsoDuringRecovery() throws Exception {
    long seed = Long.getLong("cairn.crash.seed", System.nanoTime());
    System.out.println("CrashSafetyTest seed " + seed + ", " + CYCLES + " cycles");
    Random random = new Random(seed);
    Path directory = temp.resolve("cache");
    Path oracle = temp.resolve("oracle.txt");
    int killedWhileRecovering = 0;
    int killedAfterVerifying = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      KillMoment moment = KillMoment.values()[cycle % KillMoment.values().length];
      Child child = Child.start(directory, oracle, seed);
      switch (moment) {
        case WHILE_RECOVERING -> {
          // the recovery log line or OPENED, whichever comes first; then the kill's moment
          child.await(child.opening, "start opening its store", cycle);
          TimeUnit.MILLISECONDS.sleep(random.nextInt(40));
        }
        case WHILE_WRITING -> {
          child.await(child.verified, "verify its store", cycle);
          TimeUnit.MILLISECONDS.sleep(random.nextInt(600));
        }
        case ANY_TIME -> TimeUnit.MILLISECONDS.sleep(100 + random.nextInt(1_500));
        default -> throw new AssertionError(moment);
      }
      boolean wasRecovering = child.recovering.getCount() == 0 && child.opened.getCount() == 1;
      child.kill();
      assertThat(child.output).as("cycle %d (%s): the writer's output", cycle, moment)
          .noneMatch(line -> line.startsWith("VIOLATION"));
      assertThat(child.exitCode).as("cycle %d: killed (137) or finished its writes (0); output %s",
          cycle, child.output).isIn(0, 137);
      if (wasRecovering && child.output.stream().noneMatch(line -> line.equals("OPENED"))) {
        killedWhileRecovering++;
      }
      if (child.verified.getCount() == 0) {
        killedAfterVerifying++;
      }
    }
    long flushed = CrashScenario.lastFlushed(oracle);
    try (TieredCache<String, String> cache = CrashScenario.open(directory)) {
      assertThat(CrashScenario.check(seed, flushed, cache::get)).as("violations after the last"
          + " kill, with seed " + seed).isEmpty();
    }
    System.out.println("CrashSafetyTest: " + CYCLES + " kills, " + killedWhileRecovering
        + " during recovery, " + killedAfterVerifying + " while writing; flushed up to seq "
        + flushed);
    assertThat(flushed).as("the writers made progress").isPositive();
    assertThat(killedWhileRecovering).as("kills that landed inside a recovery").isPositive();
    assertThat(killedAfterVerifying).as("kills that landed while writing").isPositive();
  }

  /** A writer process and what it has said so far. */
  private static final class Child {
    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    final CountDownLatch recovering = new CountDownLatch(1);
    final CountDownLatch opening = new CountDownLatch(1);
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch verified = new CountDownLatch(1);
    final List<Thread> readers = new ArrayList<>();
    int exitCode;

    private Child(Process process) {
      this.process = process;
      readers.add(reader(process.getInputStream()));
      readers.add(reader(process.getErrorStream()));
    }

    static Child start(Path directory, Path oracle, long seed) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      return new Child(new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          CrashWriter.class.getName(), directory.toString(), oracle.toString(),
          Long.toString(seed)).start());
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
