package dev.cairn.cache.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Another process asking the OS for a disk tier's directory lock, as a second Cairn process would.
 * Tests use it to show that a directory a tier holds stays locked for everyone else.
 *
 * <p>Argument: the lock file. Prints {@code LOCKED} if it got the lock, {@code REFUSED} if not.
 */
public final class LockProbe {

  private LockProbe() {
  }

  public static void main(String[] args) throws IOException {
    try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      System.out.println(lock != null ? "LOCKED" : "REFUSED");
    }
  }

  /** Returns whether a fresh JVM can take the lock of the tier directory {@code directory}. */
  static boolean anotherProcessCanLock(Path directory) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process process = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
        LockProbe.class.getName(), directory.resolve(DirectoryLock.FILE_NAME).toString())
        .redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("The lock probe did not finish within a minute");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (output.contains("LOCKED")) {
      return true;
    } else if (output.contains("REFUSED")) {
      return false;
    }
    throw new AssertionError("The lock probe failed (exit " + process.exitValue() + "): " + output);
  }
}
