package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.core.CacheClock;
import dev.cairn.cache.core.Expiry;
import dev.cairn.cache.core.TieredCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken input to the disk tier: keys, values, files, directories, clocks, logs. */
class HostileInputTest {

  @TempDir
  Path temp;

  /** Keys that all share one hash code, so they all live in one segment. */
  record CollidingKey(int id) implements Serializable {
    @Override
    public int hashCode() {
      return 42;
    }
  }

  @Test
  void keysWhoseHashCodesAllCollideAreAllStoredAndReadBack() {
    Path directory = temp.resolve("colliding");
    int count = 2_000;
    for (int run = 0; run < 2; run++) {
      try (TieredCache<CollidingKey, String> cache = TieredCache
          .<CollidingKey, String>builder("colliding")
          .maximumSize(16)
          .segments(4)
          .lowerTier(DiskTier.of(directory, Serializers.java(CollidingKey.class),
              Serializers.string()))
          .build()) {
        if (run == 0) {
          for (int i = 0; i < count; i++) {
            cache.put(new CollidingKey(i), "v" + i);
          }
          for (int i = 0; i < count; i += 10) {
            cache.remove(new CollidingKey(i));
          }
          cache.flush();
        }
        for (int i = 0; i < count; i++) {
          assertThat(cache.get(new CollidingKey(i))).as("key %d, run %d", i, run)
              .isEqualTo(i % 10 == 0 ? null : "v" + i);
        }
        assertThat(cache.size()).isEqualTo(count - count / 10);
      }
    }
    try (Stream<Path> segments = Stream.of(0, 1, 2, 3).map(i -> directory.resolve("segment-" + i))) {
      assertThat(segments).as("every segment is still laid out").allMatch(Files::isDirectory);
    }
  }

  @Test
  void hugeAndEmptyValuesSurviveAFlushAReopenAndARebuild() throws Exception {
    Path directory = temp.resolve("sizes");
    byte[] huge = new byte[6 << 20];   // far past a batch: one value, several MiB
    new java.util.Random(7).nextBytes(huge);
    for (int run = 0; run < 3; run++) {
      if (run == 2) {
        deleteCleanMarkers(directory);   // as after a crash: rebuilt from checkpoint + journal
      }
      try (TieredCache<String, byte[]> cache = TieredCache.<String, byte[]>builder("sizes")
          .maximumSize(1)
          // Upkeep on the caller's thread: each put evicts the entry before it as it returns, so
          // the first run reads its values back from disk too, not from a memory tier whose
          // upkeep on the common pool had not run yet.
          .memoryMaintenanceExecutor(Runnable::run)
          .segments(2)
          .flushBatchSize(2)
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.bytes())
              .checkpointAfter(1 << 20))
          .build()) {
        if (run == 0) {
          cache.put("huge", huge);
          cache.put("empty", new byte[0]);
          cache.put("", new byte[] {1});   // an empty key too
          cache.put("filler", new byte[] {2});
          cache.flush();
        }
        assertThat(cache.get("huge")).as("run %d", run).isEqualTo(huge);
        assertThat(cache.get("empty")).as("run %d", run).isEmpty();
        assertThat(cache.get("")).as("run %d", run).containsExactly(1);
      }
    }
    Path strings = temp.resolve("strings");
    for (int run = 0; run < 2; run++) {
      try (TieredCache<String, String> cache = TieredCache.<String, String>builder("strings")
          .maximumSize(1)
          .memoryMaintenanceExecutor(Runnable::run)
          .lowerTier(DiskTier.of(strings, Serializers.string(), Serializers.string()))
          .build()) {
        if (run == 0) {
          cache.put("empty", "");
          cache.put("other", "x");
        }
        assertThat(cache.get("empty")).as("run %d", run).isEqualTo("");
        assertThat(cache.containsKey("empty")).isTrue();
      }
    }
  }

  private static void deleteCleanMarkers(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path marker : (Iterable<Path>) walk
          .filter(p -> p.getFileName().toString().equals(DiskSegment.CLEAN))::iterator) {
        Files.delete(marker);
      }
    }
  }

  // ------------------------------------------------------------------ another process

  /** A second process opening a directory: prints what the open did. */
  public static final class SecondProcess {
    public static void main(String[] args) {
      try (TieredCache<String, String> cache = TieredCache.<String, String>builder("second")
          .segments(2)
          .lowerTier(DiskTier.of(Path.of(args[0]), Serializers.string(), Serializers.string()))
          .build()) {
        System.out.println("OPENED " + cache.get("a"));
      } catch (DiskTierException e) {
        System.out.println("REFUSED " + e.getMessage());
      }
    }
  }

  @Test
  void aSecondProcessOpeningTheDirectoryIsRefusedNamingItAndTheDataSurvives() throws Exception {
    Path directory = temp.resolve("shared");
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder("first")
        .segments(2)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
        .build()) {
      cache.put("a", "1");
      cache.flush();
      String output = runSecondProcess(directory);
      assertThat(output).contains("REFUSED").contains(directory.toString())
          .contains("already in use");
      cache.put("b", "2");
    }
    assertThat(runSecondProcess(directory)).as("after the first closed").contains("OPENED 1");
  }

  private static String runSecondProcess(Path directory) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), SecondProcess.class.getName(),
        directory.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("The second process did not finish within a minute: " + output);
    }
    return output;
  }

  // ------------------------------------------------------------------ permissions

  @Test
  void aDirectoryUnderARegularFileIsRefusedNamingThePath() throws Exception {
    Path file = Files.writeString(temp.resolve("plain-file"), "x");
    Path directory = file.resolve("cache");
    assertThatThrownBy(() -> TieredCache.<String, String>builder("under-a-file")
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string())).build())
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(directory.toString());
  }

  /**
   * As root, permission bits are not enforced, so the store is written on a tmpfs that is then
   * remounted read-only, which refuses writes to root too; otherwise the directory's write bits are
   * taken away.
   */
  @Test
  void aDirectoryWithoutWritePermissionIsRefusedNamingThePathAndTheDataSurvives()
      throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path parent = Files.createDirectory(temp.resolve("readonly"));
    if (root) {
      assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "cairn-readonly",
          parent.toString()) == 0, "Skipped: running as root, where permission bits are not"
          + " enforced, and mounting a tmpfs to remount read-only is not permitted here");
    }
    Path directory = parent.resolve("cache");
    try {
      try (TieredCache<String, String> cache = openStrings(directory)) {
        cache.put("kept", "value");
      }
      if (root) {
        assertThat(run("mount", "-o", "remount,ro", parent.toString())).isZero();
      } else {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-x------"));
      }
      assertThatThrownBy(() -> openStrings(directory))
          .isInstanceOf(DiskTierException.class)
          .hasMessageContaining(directory.toString());
    } finally {
      if (root) {
        run("mount", "-o", "remount,rw", parent.toString());
      } else {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
      }
    }
    try (TieredCache<String, String> cache = openStrings(directory)) {
      assertThat(cache.get("kept")).as("once writable again").isEqualTo("value");
    } finally {
      if (root) {
        run("umount", "-l", parent.toString());
      }
    }
  }

  private static TieredCache<String, String> openStrings(Path directory) {
    return TieredCache.<String, String>builder("strings")
        .segments(2)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
        .build();
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  @Test
  void everyDirectoryAndFileTheTierCreatesIsOwnerOnly() throws Exception {
    Path directory = temp.resolve("private");
    for (int run = 0; run < 2; run++) {
      if (run == 1) {
        deleteCleanMarkers(directory);   // the second open rebuilds, creating files again
      }
      try (TieredCache<String, String> cache = TieredCache.<String, String>builder("private")
          .maximumSize(2)
          .segments(2)
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string())
              .checkpointAfter(256))   // checkpoints, so base and journal generations are made
          .build()) {
        for (int i = 0; i < 50; i++) {
          cache.put("k" + i, "v" + i);
          cache.flush();
        }
      }
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      List<Path> all = walk.toList();
      assertThat(all).filteredOn(Files::isDirectory).hasSizeGreaterThan(4)
          .allSatisfy(path -> assertThat(permissions(path)).as(path.toString())
              .isEqualTo("rwx------"));
      assertThat(all).filteredOn(Files::isRegularFile).hasSizeGreaterThan(8)
          .allSatisfy(path -> assertThat(permissions(path)).as(path.toString())
              .isEqualTo("rw-------"));
    }
  }

  private static String permissions(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the permissions of " + path, e);
    }
  }

  // ------------------------------------------------------------------ clock

  /**
   * A purge that read the clock just before it jumped back an hour must not remove an entry
   * written after the jump: by the clock at the moment of removal it is live.
   */
  @Test
  void aPurgeNeverRemovesAnEntryThatIsLiveAfterTheClockJumpedBack() {
    Path directory = temp.resolve("clock");
    long start = 1_700_000_000_000L;
    AtomicLong now = new AtomicLong(start);
    AtomicLong staleReads = new AtomicLong();   // reads that return the time before the jump
    CacheClock clock = () -> staleReads.getAndDecrement() > 0 ? start : now.get();
    DiskTier<String, String> tier = DiskTier.of(directory, Serializers.string(),
        Serializers.string()).purgeInterval(Duration.ZERO);
    try (TieredCache<String, String> cache = TieredCache.<String, String>builder("clock")
        .maximumSize(1)
        // Upkeep on the caller's thread: memory holds only k9 when the puts return, so k0 to k8
        // are read from disk, where a wrong purge would show; on the common pool the upkeep may
        // not have run yet, and memory would answer for them.
        .memoryMaintenanceExecutor(Runnable::run)
        .segments(1)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofMinutes(30)))
        .lowerTier(tier)
        .build()) {
      now.set(start - Duration.ofHours(1).toMillis());   // the jump back
      for (int i = 0; i < 10; i++) {
        cache.put("k" + i, "v" + i);   // expire at start - 30 min, 30 min from now
      }
      cache.flush();
      staleReads.set(1);
      assertThat(tier.purgeExpiredNow()).as("entries purged").isZero();
      staleReads.set(0);
      for (int i = 0; i < 10; i++) {
        assertThat(cache.get("k" + i)).as("k%d", i).isEqualTo("v" + i);
      }
    }
  }

  // ------------------------------------------------------------------ security

  /** A class no reader allowed: records whether deserialization ever made one. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger RAN = new AtomicInteger();

    Gadget() {
      RAN.incrementAndGet();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      RAN.incrementAndGet();
      in.defaultReadObject();
    }
  }

  /**
   * The journal is crafted by hand, as an attacker with write access to the directory would:
   * a record whose value is an allowed {@code ArrayList} holding a {@link Gadget}. The rebuild
   * replays it, and the read refuses it without running the gadget's code.
   */
  @Test
  void aCraftedFileHoldingAClassOutsideTheAllowlistIsRefusedWithoutInstantiatingIt()
      throws Exception {
    Path directory = temp.resolve("crafted");
    try (TieredCache<String, Object> cache = openObjects(directory)) {
      cache.put("innocent", "value");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new ArrayList<>(List.of("harmless", new Gadget())));
    }
    byte[] record = java.nio.ByteBuffer.allocate(Long.BYTES + bytes.size())
        .putLong(Long.MAX_VALUE).put(bytes.toByteArray()).array();
    Path segment = directory.resolve("segment-0");
    Path journal;
    try (Stream<Path> files = Files.list(segment)) {
      journal = files.filter(p -> p.getFileName().toString().startsWith("journal-")).findFirst()
          .orElseThrow();
    }
    try (SegmentJournal append = SegmentJournal.open(journal, (k, v) -> { })) {
      append.append(List.of(java.util.Map.entry(
          "evil".getBytes(StandardCharsets.UTF_8), record)));
    }
    Files.delete(segment.resolve(DiskSegment.WORK).resolve(DiskSegment.CLEAN));   // replay it
    Gadget.RAN.set(0);

    try (TieredCache<String, Object> cache = openObjects(directory)) {
      assertThatThrownBy(() -> cache.get("evil"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(Gadget.class.getName())
          .hasMessageContaining("allowlist");
      assertThat(cache.get("innocent")).isEqualTo("value");
    }
    assertThat(Gadget.RAN).as("gadget constructors and readObject calls").hasValue(0);
  }

  private static TieredCache<String, Object> openObjects(Path directory) {
    return TieredCache.<String, Object>builder("crafted")
        .segments(1)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.java(Object.class)))
        .build();
  }

  // ------------------------------------------------------------------ logs

  private static final String SECRET = "s3cr3t-card-4111111111111111";

  /** Not Serializable: its put fails in serialization. */
  record Unserializable(String secret) {
  }

  /**
   * Nothing Cairn logs, at any level, carries a value: not while writing, not when a value cannot
   * be serialized, not when flushes fail and are retried, not at recovery. (There is no switch to
   * log values; none is needed by anything Cairn logs.)
   */
  @Test
  void noLogLineEverCarriesAValue() throws Exception {
    Path directory = temp.resolve("logs");
    List<String> lines = new CopyOnWriteArrayList<>();
    Logger cairn = Logger.getLogger("dev.cairn");
    Level level = cairn.getLevel();
    Handler capture = new Handler() {
      @Override public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
        if (record.getParameters() != null) {
          line.append(' ').append(Arrays.toString(record.getParameters()));
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
          line.append(' ').append(t);
          for (Throwable suppressed : t.getSuppressed()) {
            line.append(' ').append(suppressed);
          }
        }
        lines.add(line.toString());
      }

      @Override public void flush() {
      }

      @Override public void close() {
      }
    };
    cairn.addHandler(capture);
    cairn.setLevel(Level.ALL);
    try {
      try (TieredCache<String, Object> cache = TieredCache.<String, Object>builder("logs")
          .segments(1)
          .maximumSize(1)
          .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.java(Object.class))
              .checkpointAfter(1))
          .build()) {
        cache.put("card", SECRET);
        cache.put("other", "x");
        assertThatThrownBy(() -> cache.put("bad", new Unserializable(SECRET)))
            .isInstanceOf(IllegalArgumentException.class);
        cache.flush();
        // Block the next checkpoint (a directory where it puts its next journal, which it
        // cannot delete): the next flushes fail, are logged and retried.
        Path segment = directory.resolve("segment-0");
        List<Path> blockers = new ArrayList<>();
        for (int generation = 1; generation < 40; generation++) {
          Path blocker = segment.resolve("journal-" + generation);
          if (!Files.exists(blocker)) {
            blockers.add(Files.createDirectories(blocker.resolve("blocker")));
          }
        }
        cache.put("card2", SECRET + "-2");
        assertThatThrownBy(cache::flush).as("a flush that cannot checkpoint")
            .isInstanceOf(dev.cairn.cache.core.CacheWriteException.class);
        // Each blocked journal directory is moved away whole, in one atomic rename: while it holds
        // its blocker the tier's retries cannot have removed or replaced it, and once it is gone
        // they may create the journal at once (deleting the blocker first raced with them).
        for (int i = 0; i < blockers.size(); i++) {
          Files.move(blockers.get(i).getParent(), temp.resolve("unblocked-" + i),
              StandardCopyOption.ATOMIC_MOVE);
        }
        cache.flush();
      }
      deleteCleanMarkers(directory);   // a recovery logs too
      try (TieredCache<String, Object> cache = TieredCache.<String, Object>builder("logs")
          .segments(1)
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.java(Object.class)))
          .build()) {
        assertThat(cache.get("card")).isEqualTo(SECRET);
      }
    } finally {
      cairn.removeHandler(capture);
      cairn.setLevel(level);
    }
    assertThat(lines).as("log lines").isNotEmpty()
        .noneMatch(line -> line.contains(SECRET) || line.contains("s3cr3t"));
  }
}
