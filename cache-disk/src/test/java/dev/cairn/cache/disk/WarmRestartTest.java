package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.CacheStatistics;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.WarmUp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Warm restarts over a real disk tier (docs/design.md, "Warm restarts"): the hot keys saved at a
 * clean close come back into memory when the directory is reopened, and a snapshot that is damaged,
 * missing, stale or cannot be written costs speed, never data.
 */
class WarmRestartTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path temp;

  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Logger snapshotLog = Logger.getLogger(HotKeySnapshot.class.getName());
  private final Logger engineLog = Logger.getLogger(TieredCache.class.getName());
  private final Handler capture = new Handler() {
    @Override public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override public void flush() {
    }

    @Override public void close() {
    }
  };

  WarmRestartTest() {
    snapshotLog.addHandler(capture);
    engineLog.addHandler(capture);
  }

  @AfterEach
  void removeCapture() {
    snapshotLog.removeHandler(capture);
    engineLog.removeHandler(capture);
  }

  private TieredCache<String, String> open(Path directory, long maximumSize, boolean warmRestart) {
    // Upkeep on the caller's thread, so every read counts towards the hot-key order: by default
    // Caffeine may drop reads made while its upkeep is busy, and these tests read each key a few
    // times only.
    return TieredCache.<String, String>builder("warm")
        .memoryMaintenanceExecutor(Runnable::run)
        .maximumSize(maximumSize)
        .segments(4)
        .statisticsEnabled(true)
        .warmRestart(warmRestart)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
        .build();
  }

  /** Writes {@code count} entries, reads the {@code hot} ones often, closes. */
  private void firstRun(Path directory, long maximumSize, int count, List<String> hot) {
    try (TieredCache<String, String> cache = open(directory, maximumSize, true)) {
      IntStream.range(0, count).forEach(i -> cache.put("k" + i, "v" + i));
      for (int round = 0; round < 20; round++) {
        hot.forEach(cache::get);
      }
    }
  }

  private static void assertAllThere(TieredCache<String, String> cache, int count) {
    for (int i = 0; i < count; i++) {
      assertThat(cache.get("k" + i)).as("k%d", i).isEqualTo("v" + i);
    }
  }

  @Test
  void hotKeysAreBackInMemoryAfterACleanCloseAndReopen() {
    Path directory = temp.resolve("cache");
    List<String> hot = List.of("k3", "k17", "k42", "k64", "k99");
    firstRun(directory, 10, 100, hot);
    assertThat(directory.resolve(HotKeySnapshot.FILE_NAME)).isRegularFile();
    assertThat(directory.resolve(HotKeySnapshot.FILE_NAME + ".tmp")).doesNotExist();

    try (TieredCache<String, String> cache = open(directory, 10, true)) {
      WarmUp warmUp = cache.warmUp();
      assertThat(warmUp.await(WAIT)).isTrue();
      assertThat(warmUp.failure()).isEmpty();
      assertThat(warmUp.total()).as("memory held 10 entries at close").isEqualTo(10);
      assertThat(warmUp.loaded()).isEqualTo(10);
      assertThat(cache.memoryTierSize()).isEqualTo(10);
      assertThat(cache.statistics().hits() + cache.statistics().misses())
          .as("warm-up counts nothing").isZero();

      hot.forEach(key -> assertThat(cache.get(key)).isEqualTo("v" + key.substring(1)));
      CacheStatistics stats = cache.statistics();
      assertThat(stats.memoryHits()).as("every hot key is answered by memory").isEqualTo(5);
      assertThat(stats.lowerHits() + stats.lowerMisses()).as("no disk read").isZero();
      assertAllThere(cache, 100);
    }
  }

  /** Ways a snapshot file can be broken. */
  enum Damage {
    /** In the last key's bytes: only the checksum can tell. */
    FLIPPED_BYTE(bytes -> {
      byte[] copy = bytes.clone();
      copy[copy.length - 5] ^= 0x01;
      return copy;
    }),
    TRUNCATED(bytes -> Arrays.copyOf(bytes, bytes.length - 7)),
    EMPTY(bytes -> new byte[0]),
    FOREIGN(bytes -> "not a snapshot at all, just some text".getBytes(StandardCharsets.US_ASCII)),
    NEWER_FORMAT(bytes -> {
      byte[] copy = bytes.clone();
      ByteBuffer.wrap(copy).putInt(8, HotKeySnapshot.VERSION + 1);
      CRC32C crc = new CRC32C();
      crc.update(copy, 0, copy.length - 4);
      ByteBuffer.wrap(copy).putInt(copy.length - 4, (int) crc.getValue());
      return copy;
    });

    final UnaryOperator<byte[]> apply;

    Damage(UnaryOperator<byte[]> apply) {
      this.apply = apply;
    }
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedSnapshotIsIgnoredWithAWarningAndTheDataIsIntact(Damage damage) throws Exception {
    Path directory = temp.resolve("cache");
    firstRun(directory, 10, 50, List.of("k1", "k2"));
    Path snapshot = directory.resolve(HotKeySnapshot.FILE_NAME);
    Files.write(snapshot, damage.apply.apply(Files.readAllBytes(snapshot)));

    try (TieredCache<String, String> cache = open(directory, 10, true)) {
      assertThat(cache.warmUp().isDone()).as("nothing to warm").isTrue();
      assertThat(cache.warmUp().failure()).as("a speed-up lost, not a failure").isEmpty();
      assertThat(cache.memoryTierSize()).isZero();
      assertThat(warnings).singleElement().satisfies(record ->
          assertThat(record.getMessage()).contains(snapshot.toString(), "'warm'"));
      assertAllThere(cache, 50);
    }
  }

  @Test
  void withoutASnapshotTheCacheStartsColdAndWhole() throws Exception {
    Path directory = temp.resolve("cache");
    firstRun(directory, 10, 50, List.of("k1"));
    Files.delete(directory.resolve(HotKeySnapshot.FILE_NAME));

    try (TieredCache<String, String> cache = open(directory, 10, true)) {
      assertThat(cache.warmUp().isDone()).isTrue();
      assertThat(cache.warmUp().total()).isZero();
      assertThat(warnings).as("a missing snapshot is normal").isEmpty();
      assertAllThere(cache, 50);
    }
  }

  /** What a kill after a clean close leaves: a snapshot older than the data. */
  @Test
  void aSnapshotOlderThanTheDataBringsNothingBack() throws Exception {
    Path directory = temp.resolve("cache");
    firstRun(directory, 100, 20, List.of());
    Path snapshot = directory.resolve(HotKeySnapshot.FILE_NAME);
    byte[] saved = Files.readAllBytes(snapshot);

    try (TieredCache<String, String> cache = open(directory, 100, false)) {
      IntStream.range(0, 5).forEach(i -> cache.remove("k" + i));
      cache.put("k5", "changed");
    }
    assertThat(Files.readAllBytes(snapshot)).as("warm restarts off: not rewritten")
        .isEqualTo(saved);

    try (TieredCache<String, String> cache = open(directory, 100, true)) {
      assertThat(cache.warmUp().await(WAIT)).isTrue();
      assertThat(cache.warmUp().total()).isEqualTo(20);
      assertThat(cache.memoryTierSize()).as("removed keys are skipped").isEqualTo(15);
      IntStream.range(0, 5).forEach(i -> assertThat(cache.get("k" + i)).isNull());
      assertThat(cache.get("k5")).isEqualTo("changed");
      assertThat(cache.statistics().lowerHits()).as("k5 came from memory").isZero();
    }
  }

  @Test
  void aSnapshotThatCannotBeSavedFailsNeitherTheCloseNorTheData() throws Exception {
    Path directory = temp.resolve("cache");
    firstRun(directory, 100, 10, List.of());
    Path snapshot = directory.resolve(HotKeySnapshot.FILE_NAME);
    byte[] previous = Files.readAllBytes(snapshot);
    // A directory where the temporary file goes: no file can be written there, not even by root.
    Path blocker = Files.createDirectory(directory.resolve(HotKeySnapshot.FILE_NAME + ".tmp"));
    Files.createFile(blocker.resolve("keep-me-a-directory"));

    try (TieredCache<String, String> cache = open(directory, 100, true)) {
      assertThat(cache.warmUp().await(WAIT)).isTrue();
      cache.put("k10", "v10");
    }
    assertThat(warnings).anySatisfy(record -> {
      assertThat(record.getMessage()).contains("'warm'", "hot keys");
      assertThat(record.getThrown()).hasMessageContaining(snapshot.toString());
    });
    assertThat(Files.readAllBytes(snapshot)).as("the previous snapshot is kept")
        .isEqualTo(previous);
    try (TieredCache<String, String> cache = open(directory, 100, true)) {
      assertAllThere(cache, 11);
    }
  }

  @Test
  void theSnapshotKeepsTheOrderAndReplacesThePreviousOne() throws Exception {
    Path directory = Files.createDirectories(temp.resolve("raw"));
    List<String> keys = IntStream.range(0, 1_000).mapToObj(i -> "key-" + (i * 7919 % 1_000))
        .toList();
    HotKeySnapshot<String> empty = HotKeySnapshot.read(directory, Serializers.string(), "raw");
    assertThat(empty.keys()).isEmpty();
    empty.save(keys);
    assertThat(HotKeySnapshot.read(directory, Serializers.string(), "raw").keys())
        .containsExactlyElementsOf(keys);

    empty.save(List.of("only"));
    assertThat(HotKeySnapshot.read(directory, Serializers.string(), "raw").keys())
        .containsExactly("only");
    empty.save(List.of());
    assertThat(HotKeySnapshot.read(directory, Serializers.string(), "raw").keys()).isEmpty();
    try (var files = Files.list(directory)) {
      assertThat(files).extracting(path -> path.getFileName().toString())
          .containsExactly(HotKeySnapshot.FILE_NAME);
    }
    assertThat(warnings).isEmpty();
  }
}
