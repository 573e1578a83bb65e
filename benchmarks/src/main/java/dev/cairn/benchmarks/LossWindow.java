package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures what a crash loses against the flush interval: for each interval, a child JVM
 * ({@link LossWindowWriter}) writes at a steady rate without ever calling {@code flush()}, and is
 * killed with SIGKILL ({@link Process#destroyForcibly()}) at a point that moves from kill to kill;
 * then this process reopens the directory and counts which acknowledged puts survived.
 *
 * <p>Not a JMH benchmark: what is measured is a count after a kill, not a time per operation. It
 * prints a Markdown table: per flush interval, the puts acknowledged before the kill, the puts
 * lost (acknowledged but not found after the reopen), and the loss window, the time from the
 * acknowledgement of the first lost put to that of the last put acknowledged before the kill (both
 * recorded by the writer), as the median and worst over the kills.
 *
 * <p>Arguments (all optional): flush intervals in ms (comma-separated, default 10,100,1000), kills
 * per interval (default 3), puts per second (default 5000, which the flushes of a small machine
 * keep up with, so that the window shows the interval and not a growing backlog), milliseconds of writing before the
 * first kill (default 3000, long enough for the writer to be compiled and on pace).
 */
public final class LossWindow {

  private LossWindow() {
  }

  public static void main(String[] args) throws Exception {
    CairnLogs.warningsOnly();
    long[] intervals = Arrays.stream((args.length > 0 ? args[0] : "10,100,1000").split(","))
        .mapToLong(Long::parseLong).toArray();
    int kills = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long rate = args.length > 2 ? Long.parseLong(args[2]) : 5_000;
    long runMillis = args.length > 3 ? Long.parseLong(args[3]) : 3_000;
    System.out.printf(Locale.ROOT, "%d kills per flush interval, %,d puts/s, killed after %,d ms"
        + " of writing plus a step of 37 ms per kill; SIGKILL via Process.destroyForcibly()%n%n",
        kills, rate, runMillis);
    System.out.println("| flush interval | acknowledged (median) | lost (median) | lost (worst)"
        + " | loss window ms (median) | loss window ms (worst) |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (long interval : intervals) {
      List<long[]> outcomes = new ArrayList<>();
      for (int kill = 0; kill < kills; kill++) {
        outcomes.add(killOnce(interval, rate, runMillis + 37L * kill));
      }
      long[] acknowledged = outcomes.stream().mapToLong(o -> o[0]).sorted().toArray();
      long[] lost = outcomes.stream().mapToLong(o -> o[1]).sorted().toArray();
      long[] window = outcomes.stream().mapToLong(o -> o[2]).sorted().toArray();
      System.out.printf(Locale.ROOT, "| %d ms | %,d | %,d | %,d | %d | %d |%n", interval,
          acknowledged[kills / 2], lost[kills / 2], lost[kills - 1], window[kills / 2],
          window[kills - 1]);
    }
  }

  /** Returns {acknowledged, lost, ms from the first lost put to the last acknowledged one}. */
  static long[] killOnce(long intervalMillis, long rate, long runMillis) throws Exception {
    Path scratch = ScratchDirectory.create("loss-window");
    try {
      Path directory = scratch.resolve("cache");
      Path counterFile = scratch.resolve("acknowledged");
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process child = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp",
          System.getProperty("java.class.path"), LossWindowWriter.class.getName(),
          directory.toString(), counterFile.toString(), Long.toString(intervalMillis),
          Long.toString(rate))
          .redirectErrorStream(true)
          .start();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        List<String> output = new ArrayList<>();
        for (String line = lines.readLine(); ; line = lines.readLine()) {
          if (line == null) {
            throw new IllegalStateException("The writer ended before it was ready: " + output);
          }
          output.add(line);
          if (line.equals(LossWindowWriter.READY)) {
            break;
          }
        }
        Thread.sleep(runMillis);
        child.destroyForcibly();
        if (!child.waitFor(1, TimeUnit.MINUTES) || child.exitValue() != 137) {
          throw new IllegalStateException("The writer was not killed by SIGKILL: " + output);
        }
      }
      ByteBuffer times = readCounter(counterFile);
      long acknowledged = times.getLong(0);
      long lost = 0;
      long firstLost = -1;
      try (TieredCache<String, String> cache =
          LossWindowWriter.open(directory, Duration.ofMillis(intervalMillis))) {
        for (long write = 0; write < acknowledged; write++) {
          if (cache.get(LossWindowWriter.key(write)) == null) {
            lost++;
            if (firstLost < 0) {
              firstLost = write;
            }
          }
        }
      }
      long window = firstLost < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(
          times.getLong((int) acknowledged * Long.BYTES) - times.getLong((int) (1 + firstLost) * Long.BYTES));
      return new long[] {acknowledged, lost, window};
    } finally {
      ScratchDirectory.delete(scratch);
    }
  }

  private static ByteBuffer readCounter(Path counterFile) {
    try (FileChannel channel = FileChannel.open(counterFile)) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the writer's counter " + counterFile, e);
    }
  }
}
