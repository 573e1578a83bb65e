package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.MutableEntry;
import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a clear error and loses nothing (docs/design.md).
 *
 * <p>A damaged store is made by hand after a clean close, on the largest file of the directory
 * (the one holding the data, whatever the layout calls it). Opening it must then either
 *
 * <ul>
 *   <li>fail with a {@link DiskTierException} naming a path in the directory, leaving the damaged
 *       file exactly as it was, for the user to inspect or restore; or
 *   <li>succeed with every entry intact (a recovery that rebuilt what was damaged from other
 *       files); then the damaged file is left as it was, or a warning naming where it is says that
 *       it was replaced.
 * </ul>
 *
 * <p>Never may it open with entries missing or unreadable. A deleted file is damage too: the store
 * must not recreate it empty and carry on without its entries.
 */
class BadInputTest {

  private static final int ENTRIES = 3_000;
  private static final int BAD_KEYS_SHOWN = 10;

  @TempDir
  Path temp;

  /** Serializable itself, but not what it holds. */
  record Holder(Object content) implements Serializable {
  }

  /** A value the disk tier cannot store. */
  static final class Unserializable {
  }

  private static TieredCache<String, Object> open(Path directory) {
    return TieredCache.<String, Object>builder("bad-input")
        .maximumSize(16)
        .segments(2)
        .lowerTier(DiskTier.of(directory, Serializers.string(),
            Serializers.java(Object.class, Holder.class.getName())))
        .build();
  }

  private static String value(int i) {
    return "value-" + i + "-" + "x".repeat(100);
  }

  /** Writes the entries and closes the cache cleanly; returns what was written. */
  private static Map<String, Object> writeEntries(Path directory) {
    Map<String, Object> written = new LinkedHashMap<>();
    try (TieredCache<String, Object> cache = open(directory)) {
      for (int i = 0; i < ENTRIES; i++) {
        written.put("key-" + i, value(i));
        cache.put("key-" + i, value(i));
      }
    }
    return written;
  }

  @Test
  void aStoreFileTruncatedToHalfIsReportedAndLosesNothing() throws Exception {
    assertDamageIsReportedOrRepaired(file -> truncate(file, size(file) / 2));
  }

  /**
   * A copy cut short: the file ends 4 KiB before its last non-zero byte, so the cut falls in data
   * the store uses, not in space it reserved.
   */
  @Test
  void aStoreFileCutShortInsideItsDataIsReportedAndLosesNothing() throws Exception {
    assertDamageIsReportedOrRepaired(
        file -> truncate(file, Math.max(0, endOfContent(file) - 4096)));
  }

  /** A store file lost (deleted, or never restored from a backup) must not be recreated empty. */
  @Test
  void aMissingStoreFileIsReportedNotSilentlyReplacedByAnEmptyOne() throws Exception {
    assertDamageIsReportedOrRepaired(BadInputTest::delete);
  }

  @Test
  void garbageInPlaceOfAStoreFileIsReportedAndLosesNothing() throws Exception {
    assertDamageIsReportedOrRepaired(file -> {
      byte[] garbage = new byte[(int) size(file)];
      new Random(42).nextBytes(garbage);
      write(file, garbage);
    });
  }

  @Test
  void aFileOfAnotherFormatInPlaceOfAStoreFileIsReportedAndLosesNothing()
      throws Exception {
    assertDamageIsReportedOrRepaired(file -> write(file,
        "PK\u0003\u0004 a zip archive, say, copied over the store by mistake"
            .getBytes(StandardCharsets.ISO_8859_1)));
  }

  /**
   * Writes entries, closes, damages the largest file with {@code damage}, then opens again and
   * checks the outcome (see the class comment).
   */
  private void assertDamageIsReportedOrRepaired(Consumer<Path> damage) throws IOException {
    Path directory = temp.resolve("cache");
    Map<String, Object> written = writeEntries(directory);
    Path damaged = largestFile(directory);
    damage.accept(damaged);
    byte[] before = Files.exists(damaged) ? Files.readAllBytes(damaged) : null;

    TieredCache<String, Object> cache;
    List<String> warnings;
    try (LoggedWarnings logged = new LoggedWarnings()) {
      warnings = logged.messages;
      cache = open(directory);
    } catch (RuntimeException refused) {
      assertThat(refused).as("opening %s", damaged)
          .isInstanceOf(DiskTierException.class)
          .hasMessageContaining(directory.toString());
      if (before != null) {
        assertThat(damaged).as("the damaged file, after the open was refused").exists();
        assertThat(Files.readAllBytes(damaged)).as("%s after the open was refused", damaged)
            .isEqualTo(before);
      }
      return;
    }
    try (cache) {
      List<String> bad = lostOrUnreadable(cache, written);
      assertThat(bad.size()).as("the open of %s succeeded, so every entry must be there, else"
          + " the damage went unreported; %d of %d are lost or unreadable, the first: %s",
          damaged, bad.size(), written.size(), bad.subList(0, Math.min(BAD_KEYS_SHOWN,
              bad.size()))).isZero();
    }
    boolean untouched = before == null ? !Files.exists(damaged)
        : Files.exists(damaged) && Arrays.equals(Files.readAllBytes(damaged), before);
    if (!untouched) {
      // A store that rebuilds a file it can do without may replace it, but never silently.
      assertThat(warnings).as("%s was replaced by an open that succeeded: a warning naming where"
          + " must say so", damaged)
          .anyMatch(warning -> warning.contains(damaged.getParent().toString()));
    }
  }

  private static List<String> lostOrUnreadable(TieredCache<String, Object> cache,
      Map<String, Object> written) {
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, Object> entry : written.entrySet()) {
      String problem;
      try {
        Object value = cache.get(entry.getKey());
        problem = value == null ? "missing" : value.equals(entry.getValue()) ? null : "wrong";
      } catch (RuntimeException e) {
        problem = e.toString();
      }
      if (problem != null) {
        bad.add(entry.getKey() + ": " + problem);
      }
    }
    return bad;
  }

  @Test
  void aValueThatCannotBeSerializedFailsEveryWriteNamingItsClassAndFlushedDataSurvives() {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> cache = open(directory)) {
      for (int i = 0; i < 100; i++) {
        cache.put("key-" + i, value(i));
      }
      cache.flush();
      // With 16 entries in memory, most keys now live on disk only: the test takes one, so that
      // the writes that read the old value first read it from disk.
      int onDiskIndex = aKeyMemoryDoesNotHold(cache, 100);
      String onDisk = "key-" + onDiskIndex;

      String unserializable = Unserializable.class.getName();
      assertThatThrownBy(() -> cache.put(onDisk, new Unserializable())).as("put")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(unserializable);
      assertThatThrownBy(() -> cache.getAndPut(onDisk, new Unserializable())).as("getAndPut")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(unserializable);
      assertThatThrownBy(() -> cache.replace(onDisk, new Unserializable())).as("replace")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(unserializable);
      assertThatThrownBy(() -> cache.compute(onDisk, (k, v) -> new Unserializable()))
          .as("compute").isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(unserializable);
      assertThatThrownBy(() -> cache.putIfAbsent("new-key", new Unserializable()))
          .as("putIfAbsent").isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(unserializable);
      assertThatThrownBy(() -> cache.put("new-key", new Holder(new Unserializable())))
          .as("a Serializable value holding an unserializable one")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(unserializable);

      assertThat(cache.get(onDisk)).as("the failed writes changed nothing")
          .isEqualTo(value(onDiskIndex));
      assertThat(cache.containsKey("new-key")).isFalse();
      cache.put("key-100", value(100));
      cache.flush();
      assertThat(cache.statistics().flushFailures()).as("no flush ever saw a bad value").isZero();
    }
    try (TieredCache<String, Object> cache = open(directory)) {
      for (int i = 0; i <= 100; i++) {
        assertThat(cache.get("key-" + i)).as("key-%d after a reopen", i).isEqualTo(value(i));
      }
      assertThat(cache.containsKey("new-key")).isFalse();
    }
  }

  /**
   * The number of the first of key-0, key-1, ... that memory does not hold: which keys it keeps
   * is its eviction policy's choice. An entry processor that only asks whether the entry exists
   * counts a memory hit or miss, and neither changes the entry nor promotes it.
   */
  private static int aKeyMemoryDoesNotHold(TieredCache<String, Object> cache, int keys) {
    cache.memoryTierSize();   // lets the upkeep evict what it owes: memory then holds 16 at most
    cache.setStatisticsEnabled(true);
    try {
      for (int i = 0; i < keys; i++) {
        long misses = cache.statistics().memoryMisses();
        Boolean exists = cache.update("key-" + i, MutableEntry::exists);
        assertThat(exists).as("key-%d", i).isTrue();
        if (cache.statistics().memoryMisses() > misses) {
          return i;
        }
      }
    } finally {
      cache.setStatisticsEnabled(false);
    }
    throw new AssertionError("memory holds every one of " + keys + " keys");
  }

  /** Collects the warnings Cairn logs while open; System.Logger goes to java.util.logging here. */
  private static final class LoggedWarnings extends Handler implements AutoCloseable {
    // Held, because java.util.logging keeps loggers only weakly.
    private final Logger cairn = Logger.getLogger("dev.cairn");
    final List<String> messages = new CopyOnWriteArrayList<>();

    LoggedWarnings() {
      cairn.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        messages.add(new SimpleFormatter().formatMessage(record));
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
      cairn.removeHandler(this);
    }
  }

  /** The largest regular file under the directory, wherever the layout puts it. */
  private static Path largestFile(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile)
          .max(Comparator.comparingLong(BadInputTest::size))
          .orElseThrow(() -> new AssertionError("no file in " + directory));
    }
  }

  /** The offset just past the file's last non-zero byte. */
  private static long endOfContent(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] == 0) {
        end--;
      }
      return end;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the size of " + file, e);
    }
  }

  private static void truncate(Path file, long length) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot truncate " + file, e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot delete " + file, e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write " + file, e);
    }
  }
}
