package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk fails flushes with an exception, not a dead JVM; the entries stay buffered, served
 * and retried; the failure is counted and logged; and nothing flushed before it is lost.
 *
 * <p>The disk fills for real, in two ways, each in a child JVM running {@link DiskFullWriter} (so
 * a disk tier that crashes the JVM fails the test rather than the build):
 *
 * <ul>
 *   <li>a file size limit ({@code ulimit -f}, RLIMIT_FSIZE): HotSpot ignores SIGXFSZ, so a write
 *       past the limit fails with EFBIG, an {@link IOException} "File too large". This needs only
 *       bash and works unprivileged, in any container, so a full disk is always tested;
 *   <li>a 4 MiB tmpfs: writes fail with ENOSPC anywhere in a file, also inside space MapDB
 *       reserved earlier (its files are sparse), like a real full disk. Mounting needs root and
 *       CAP_SYS_ADMIN; without them this one is skipped, saying so. With a ballast file deleted
 *       after the failure, it also shows the buffered entries reach the disk once it has room.
 * </ul>
 */
class DiskFullTest {

  private static final long CHILD_TIMEOUT_SECONDS = 60;
  private static final int BAD_KEYS_SHOWN = 10;

  @TempDir
  Path temp;

  @Test
  void aFileSizeLimitFailsFlushesWithAnExceptionAndLosesNothingFlushed() throws Exception {
    long limitKib = fileSizeLimitKib();
    Path directory = temp.resolve("cache");
    Map<String, String> report = runWriter(
        List.of("bash", "-c", "ulimit -f \"$1\" && shift && exec \"$@\"", "bash",
            Long.toString(limitKib)),
        directory, null);

    SoftAssertions softly = new SoftAssertions();
    if (!"unknown".equals(report.get("file-size-limit"))) {
      softly.assertThat(report.get("file-size-limit")).as("the limit the writer ran under")
          .contains(" " + limitKib * 1024 + " ");
    }
    assertFailedLikeAFullDisk(softly, report, directory);
    softly.assertThat(report.get("close")).as("closing over the limit reports the entries lost")
        .contains("CacheWriteException").contains("could not be written");
    assertEverythingFlushedSurvives(softly, directory, report, false);
    softly.assertAll();
  }

  @Test
  void aFullFilesystemFailsFlushesRetriesOnceThereIsRoomAndLosesNothing() throws Exception {
    Path mountPoint = Files.createDirectory(temp.resolve("tmpfs"));
    mountTmpfs(mountPoint, "16m"); // an empty store takes 2 MiB, and each segment has two (base and work)
    try {
      // Deleted by the writer once the disk is full, to give the retries room.
      Path ballast = Files.write(mountPoint.resolve("ballast"), new byte[1024 * 1024]);
      Path directory = mountPoint.resolve("cache");
      Map<String, String> report = runWriter(List.of(), directory, ballast);

      SoftAssertions softly = new SoftAssertions();
      assertFailedLikeAFullDisk(softly, report, directory);
      softly.assertThat(report.get("drained-after-space-freed"))
          .as("the retries wrote every buffered entry once the disk had room").isEqualTo("true");
      softly.assertThat(report.get("flush-after-space-freed")).as("flush() once the disk had room")
          .isEqualTo("ok");
      softly.assertThat(report.get("close")).as("close() once the disk had room").isEqualTo("ok");
      assertEverythingFlushedSurvives(softly, directory, report, true);
      softly.assertAll();
    } finally {
      unmount(mountPoint);
    }
  }

  private static void assertFailedLikeAFullDisk(SoftAssertions softly, Map<String, String> report,
      Path directory) {
    softly.assertThat(report.get("flush-error")).as("the exception flush() threw")
        .contains("CacheWriteException")
        .contains("java.io.IOException")
        .contains(directory.toString());
    softly.assertThat(Long.parseLong(report.get("flushed-through")))
        .as("entries were flushed before the disk filled up").isPositive();
    softly.assertThat(Long.parseLong(report.get("flush-failures"))).as("counted flush failures")
        .isPositive();
    softly.assertThat(Long.parseLong(report.get("pending"))).as("entries still buffered")
        .isPositive();
    softly.assertThat(report.get("serves-all-written"))
        .as("the cache serves every value written, flushed or not").isEqualTo("true");
    softly.assertThat(report.get("retried-in-background"))
        .as("the lanes retried with no flush() called").isEqualTo("true");
    softly.assertThat(Long.parseLong(report.get("pending-after-retries")))
        .as("entries still buffered after failed retries").isPositive();
    softly.assertThat(report.get("serves-all-written-after-retries"))
        .as("the cache still serves every value after failed retries").isEqualTo("true");
    softly.assertThat(Long.parseLong(report.get("warnings-logged"))).as("failures logged")
        .isPositive();
  }

  /**
   * Reopens the directory here, with room on the disk, and checks every key flushed before the
   * failure; a key written later is absent or right, never wrong. With {@code all}, every key
   * written must be there.
   */
  private static void assertEverythingFlushedSurvives(SoftAssertions softly, Path directory,
      Map<String, String> report, boolean all) {
    long flushedThrough = Long.parseLong(report.get("flushed-through"));
    long writtenThrough = Long.parseLong(report.get("written-through"));
    List<String> bad = new ArrayList<>();
    int badCount = 0;
    try (TieredCache<Long, String> cache = DiskFullWriter.open(directory)) {
      for (long key = 0; key <= writtenThrough; key++) {
        String problem;
        try {
          String value = cache.get(key);
          boolean required = all || key <= flushedThrough;
          problem = value == null ? (required ? "missing" : null)
              : value.equals(DiskFullWriter.value(key)) ? null : "wrong value";
        } catch (RuntimeException e) {
          problem = DiskFullWriter.chain(e);
        }
        if (problem != null && badCount++ < BAD_KEYS_SHOWN) {
          bad.add(key + ": " + problem);
        }
      }
    } catch (RuntimeException e) {
      softly.fail("Reopening %s after the disk was full failed: %s", directory,
          DiskFullWriter.chain(e));
      return;
    }
    softly.assertThat(bad).as("after a reopen, %d of the keys 0..%d (flushed through %d) are"
        + " lost or unreadable; the first %d", badCount, writtenThrough, flushedThrough,
        bad.size()).isEmpty();
  }

  /**
   * Starts {@link DiskFullWriter} in a JVM like this one, behind {@code prefix}, and returns its
   * report; fails, showing its output, unless it ran to the end.
   */
  private Map<String, String> runWriter(List<String> prefix, Path directory, Path ballast)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add(ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    // A small, quick JVM: it lives for a few seconds and holds a few thousand entries.
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
        DiskFullWriter.class.getName(), directory.toString()));
    if (ballast != null) {
      command.add(ballast.toString());
    }
    Path output = temp.resolve("writer-output.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    boolean exited = process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    Map<String, String> report = new HashMap<>();
    text.lines().filter(line -> line.startsWith(DiskFullWriter.REPORT)).forEach(line -> {
      String fact = line.substring(DiskFullWriter.REPORT.length());
      int equals = fact.indexOf('=');
      report.put(fact.substring(0, equals), fact.substring(equals + 1));
    });
    assertThat(exited).as("the writer finished within %d s; its output:%n%s",
        CHILD_TIMEOUT_SECONDS, text).isTrue();
    assertThat(process.exitValue()).as("the writer's exit code (a JVM killed by the full disk"
        + " exits with 128 + signal); its output:%n%s", text).isZero();
    assertThat(report).as("the writer's report; its output:%n%s", text)
        .containsEntry("done", "true")
        .doesNotContainEntry("flush-error", "none");
    return report;
  }

  /**
   * The file size limit for the writer: the size of the largest file of a fresh store, plus
   * 256 KiB, so that the first flushes fit and a later one fails. Measured rather than assumed,
   * so that it follows the disk tier's layout.
   */
  private long fileSizeLimitKib() throws IOException {
    Path probe = temp.resolve("probe");
    try (TieredCache<Long, String> cache = DiskFullWriter.open(probe)) {
      cache.put(0L, DiskFullWriter.value(0));
    }
    long largest;
    try (Stream<Path> files = Files.walk(probe)) {
      largest = files.filter(Files::isRegularFile).mapToLong(DiskFullTest::size).max().orElse(0);
    }
    return (largest + 1023) / 1024 + 256;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the size of " + file, e);
    }
  }

  /** Mounts a tmpfs, or skips the test naming why it cannot. */
  private static void mountTmpfs(Path mountPoint, String size)
      throws IOException, InterruptedException {
    String instead = "; DiskFullTest's file size limit test fills a disk without it";
    Process mount;
    try {
      mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700",
          "cairn-disk-full", mountPoint.toString()).redirectErrorStream(true).start();
    } catch (IOException noMountCommand) {
      abort("Skipped: no mount command here (" + noMountCommand.getMessage() + ")" + instead);
      return;
    }
    String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited = mount.waitFor(30, TimeUnit.SECONDS);
    assumeTrue(exited && mount.exitValue() == 0, () -> "Skipped: mounting a tmpfs is not"
        + " permitted here (it needs root with CAP_SYS_ADMIN): " + output.strip() + instead);
  }

  /**
   * Unmounts the tmpfs, or if it is still busy detaches it lazily, so that no mount outlives the
   * test; throws nothing, so that it never hides the test's own failure.
   */
  private static void unmount(Path mountPoint) throws IOException, InterruptedException {
    Process umount = new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start();
    if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
      new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start()
          .waitFor(30, TimeUnit.SECONDS);
    }
  }
}
