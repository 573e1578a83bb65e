package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reopening a disk tier costs: the time to open a cache directory of {@code entries} entries
 * after a clean close (store reused, journal read through once to find its end) and after a crash
 * (every segment's store rebuilt from its checkpoint and its journal replayed).
 *
 * <p>How the crash is made: once per trial a child JVM ({@link CacheDirectoryWriter}) writes the
 * entries with periodic flushes, flushes, reports it, and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) while it still holds the stores open; a kill of the process
 * is exactly the failure {@code docs/durability.md} promises to survive. The clean directory is
 * written the same way by a child that closes the cache instead. Each iteration then opens a fresh
 * copy of that directory. Copying is faithful: after a process dies, the kernel holds exactly the
 * bytes it wrote, and a copy of the files reproduces them byte for byte (the directory lock is an
 * advisory lock that died with the process, not file content). It also gives every iteration the
 * same crash state rather than one that depends on when a kill landed. The copy is fresh in the
 * page cache, as the files are for a process restarted after a kill; a reboot after a power cut
 * would read them cold and be slower.
 *
 * <p>The directories hold fewer bytes of journal than a checkpoint is taken at (64 MiB per
 * segment), so the crash case replays every entry: the recovery of a cache that has not
 * checkpointed yet, the longest replay for that many writes.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class DiskRecoveryBenchmark {

  private static final long CHILD_TIMEOUT_MINUTES = 10;

  /** A directory filled once per trial, and the copy of it each iteration opens. */
  @State(Scope.Thread)
  public abstract static class CacheDirectory {

    @Param({"10000", "100000"})
    public int entries;

    Path template;
    Path scratch;
    Path directory;
    TieredCache<String, String> cache;

    abstract boolean killed();

    @Setup(Level.Trial)
    public void fillTemplate() {
      CairnLogs.warningsOnly();
      template = ScratchDirectory.create(killed() ? "recovery-killed" : "recovery-closed");
      Path cacheDirectory = template.resolve("cache");
      runWriter(cacheDirectory, entries, killed());
      checkCleanMarkers(cacheDirectory, !killed());
    }

    @Setup(Level.Iteration)
    public void copyTemplate() {
      scratch = ScratchDirectory.create("recovery-open");
      directory = scratch.resolve("cache");
      ScratchDirectory.copy(template.resolve("cache"), directory);
    }

    /** Checks, outside the measurement, that the open recovered what the writer flushed. */
    @TearDown(Level.Iteration)
    public void checkAndClose() {
      try {
        WriteWorkload workload = new WriteWorkload(entries);
        for (int write : new int[] {0, entries / 2, entries - 1}) {
          String value = cache.get(workload.key(write));
          if (!workload.value(write).equals(value)) {
            throw new IllegalStateException("After opening " + directory + " key "
                + workload.key(write) + " holds " + value + ", not the value flushed before the "
                + (killed() ? "kill" : "close"));
          }
        }
      } finally {
        if (cache != null) {
          cache.close();
          cache = null;
        }
        ScratchDirectory.delete(scratch);
      }
    }

    @TearDown(Level.Trial)
    public void deleteTemplate() {
      ScratchDirectory.delete(template);
    }
  }

  /** A directory whose writer closed the cache. */
  public static class ClosedCleanly extends CacheDirectory {
    @Override boolean killed() {
      return false;
    }
  }

  /** A directory whose writer was killed with SIGKILL after its last flush. */
  public static class Killed extends CacheDirectory {
    @Override boolean killed() {
      return true;
    }
  }

  /** (a) Measures opening a cache directory that was closed cleanly: no rebuild, no replay. */
  @Benchmark
  public TieredCache<String, String> openAfterCleanClose(ClosedCleanly state) {
    state.cache = CacheDirectoryWriter.open(state.directory);
    return state.cache;
  }

  /**
   * (b) Measures opening a cache directory whose writer was killed: every segment's store is
   * rebuilt from its checkpoint and its journal replayed.
   */
  @Benchmark
  public TieredCache<String, String> openAfterKill(Killed state) {
    state.cache = CacheDirectoryWriter.open(state.directory);
    return state.cache;
  }

  /**
   * Runs {@link CacheDirectoryWriter} in a child JVM on the class path of this one and waits until
   * it has closed the cache, or has flushed and been killed with SIGKILL.
   */
  static void runWriter(Path directory, int entries, boolean kill) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), CacheDirectoryWriter.class.getName(),
        directory.toString(), Integer.toString(entries), kill ? "kill" : "close")
        .redirectErrorStream(true);
    String awaited = kill ? CacheDirectoryWriter.FLUSHED : CacheDirectoryWriter.CLOSED;
    List<String> output = new ArrayList<>();
    try {
      Process child = builder.start();
      boolean reached = false;
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.add(line);
          if (line.equals(awaited)) {
            reached = true;
            break;
          }
        }
        if (reached && kill) {
          child.destroyForcibly();
        }
        if (!child.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
          child.destroyForcibly();
          throw new IllegalStateException("The writer filling " + directory + " did not end within "
              + CHILD_TIMEOUT_MINUTES + " minutes; its output: " + output);
        }
      }
      int exit = child.exitValue();
      // 128 + 9: ended by SIGKILL, not by exiting on its own after the flush
      boolean asExpected = reached && (kill ? exit == 137 : exit == 0);
      if (!asExpected) {
        throw new IllegalStateException("The writer filling " + directory + " ended with exit "
            + "code " + exit + " before reporting " + awaited + "; its output: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + java + " to fill " + directory, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while filling " + directory, e);
    }
  }

  /** Fails unless every segment's working store is marked clean, or none is, as expected. */
  static void checkCleanMarkers(Path directory, boolean clean) {
    try (Stream<Path> segments = Files.list(directory)) {
      List<Path> found = segments
          .filter(path -> path.getFileName().toString().startsWith("segment-"))
          .toList();
      for (Path segment : found) {
        if (Files.exists(segment.resolve("work").resolve("clean")) != clean) {
          throw new IllegalStateException(segment + (clean ? " was not closed cleanly"
              : " is marked clean although its writer was killed"));
        }
      }
      if (found.isEmpty()) {
        throw new IllegalStateException(directory + " holds no segment: the writer wrote nothing");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + directory, e);
    }
  }
}
