package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory (docs/design.md) under load: with the memory tier and the write-behind buffer
 * bounded, two threads writing random 32 KiB values as fast as they can into a disk-backed cache
 * stay within a 48 MiB heap, because when the disk falls behind the buffer fills and writers wait
 * (back-pressure) instead of the backlog growing. The same writers with the bounds lifted run out
 * of that heap within seconds, which shows the limit is tight enough to mean something.
 *
 * <p>Each run is a child JVM ({@link HeapBoundWriter}) with {@code -Xmx48m} and
 * {@code -XX:+ExitOnOutOfMemoryError}. It writes for 8 seconds by default;
 * {@code -Dcairn.heap.seconds=60} for the minute the reliability notes record.
 */
class HeapBoundTest {

  private static final String HEAP = "-Xmx48m";
  private static final long SECONDS = Long.getLong("cairn.heap.seconds", 8);
  private static final long MEMORY_ENTRIES = 100;
  private static final int BUFFER_PER_SEGMENT = 32;

  @TempDir
  Path temp;

  @Test
  void boundedTiersKeepTheHeapWithinItsLimitAndBackPressureEngagesInsteadOfRunningOut()
      throws Exception {
    Run run = writer(temp.resolve("bounded"), SECONDS, MEMORY_ENTRIES, BUFFER_PER_SEGMENT);

    assertThat(run.exitCode).as("the writer finished within %s; its output %s", HEAP, run.output)
        .isZero();
    long bound = Long.parseLong(run.values.get("buffer-bound"));
    assertThat(Long.parseLong(run.values.get("max-pending"))).as("the backlog reached its bound"
        + " (writers met the back-pressure) and never passed it").isEqualTo(bound);
    assertThat(Long.parseLong(run.values.get("puts"))).as("puts made")
        .isGreaterThan(MEMORY_ENTRIES + bound);
    System.out.println("HeapBoundTest: " + run.values + " under " + HEAP + " for " + SECONDS
        + " s");
  }

  @Test
  void withoutTheBoundsTheSameWritersRunOutOfThatHeap() throws Exception {
    Run run = writer(temp.resolve("unbounded"), SECONDS, 1_000_000, 1_000_000);

    assertThat(run.exitCode).as("ran out of heap (ExitOnOutOfMemoryError exits 3); output %s",
        run.output).isEqualTo(3);
    assertThat(run.output).noneMatch(line -> line.equals("DONE"));
  }

  private record Run(int exitCode, List<String> output, Map<String, String> values) {
  }

  private static Run writer(Path directory, long seconds, long memoryEntries, int buffer)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // To a file, not a pipe: a child whose log filled the pipe would block and never exit.
    Path log = Files.createTempFile(directory.getParent(), "writer", ".log");
    Process process = new ProcessBuilder(java, HEAP, "-XX:+ExitOnOutOfMemoryError",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        HeapBoundWriter.class.getName(), directory.toString(), Long.toString(seconds),
        Long.toString(memoryEntries), Integer.toString(buffer))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(seconds + 120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
    Map<String, String> values = new HashMap<>();
    for (String line : output) {
      int space = line.indexOf(' ');
      if (space > 0 && line.matches("[a-z-]+ \\d+")) {
        values.put(line.substring(0, space), line.substring(space + 1));
      }
    }
    return new Run(exited ? process.exitValue() : -1, output, values);
  }
}
