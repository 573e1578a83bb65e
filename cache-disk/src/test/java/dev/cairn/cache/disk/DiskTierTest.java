package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.core.CacheClock;
import dev.cairn.cache.core.Expiry;
import dev.cairn.cache.core.TieredCache;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskTierTest {

  @TempDir
  Path temp;

  record Point(int x, int y) implements Serializable {
  }

  /** A class the reading side never allowed. */
  record Gadget(String command) implements Serializable {
  }

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final CacheClock clock = now::get;

  private TieredCache<String, Object> open(Path directory, Serializer<Object> values) {
    return TieredCache.<String, Object>builder("disk-test")
        .maximumSize(10)
        .segments(4)
        .clock(clock)
        .expiry(Expiry.afterWrite(Duration.ofHours(1)))
        .lowerTier(DiskTier.of(directory, Serializers.string(), values))
        .build();
  }

  private Serializer<Object> allowingPoints() {
    return Serializers.java(Object.class, Point.class.getName());
  }

  @Test
  void entriesOfMixedTypesSurviveACloseAndReopen() {
    Path directory = temp.resolve("cache");
    Map<String, Object> written = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      written.put("s" + i, "text-" + i);
      written.put("l" + i, (long) i * 1_000_000_007L);
      written.put("p" + i, new Point(i, -i));
      written.put("list" + i, new ArrayList<>(List.of(i, i + 1)));
    }
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      written.forEach(cache::put);
      cache.remove("s7");
    }
    written.remove("s7");
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      written.forEach((key, value) -> assertThat(cache.get(key)).as(key).isEqualTo(value));
      assertThat(cache.get("s7")).as("a removed entry stays removed").isNull();
      assertThat(cache.size()).isEqualTo(written.size());
    }
  }

  @Test
  void expiryTimeSurvivesARestartAndIsHonouredWithAMovedClock() {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      cache.put("short", "lived");
      now.addAndGet(Duration.ofMinutes(30).toMillis());
      cache.put("later", "one");
    }
    now.addAndGet(Duration.ofMinutes(45).toMillis());   // 75 min after "short", 45 after "later"
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      assertThat(cache.get("short")).as("expired while the process was down").isNull();
      assertThat(cache.get("later")).isEqualTo("one");
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefusedAndTheDataSurvives() {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> first = open(directory, allowingPoints())) {
      first.put("a", "1");
      first.flush();
      assertThatThrownBy(() -> open(directory, allowingPoints()))
          .isInstanceOf(DiskTierException.class)
          .hasMessageContaining(directory.toString())
          .hasMessageContaining("already in use");
      assertThat(first.get("a")).isEqualTo("1");
    }
    try (TieredCache<String, Object> again = open(directory, allowingPoints())) {
      assertThat(again.get("a")).isEqualTo("1");
    }
  }

  @Test
  void aRefusedSecondOpenLeavesTheDirectoryLockedForOtherProcesses() throws Exception {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> first = open(directory, allowingPoints())) {
      first.put("a", "1");
      assertThat(LockProbe.anotherProcessCanLock(directory)).as("while open").isFalse();
      assertThatThrownBy(() -> open(directory, allowingPoints()))
          .isInstanceOf(DiskTierException.class)
          .hasMessageContaining("already in use");
      assertThat(LockProbe.anotherProcessCanLock(directory))
          .as("after a refused second open in this process").isFalse();
    }
    assertThat(LockProbe.anotherProcessCanLock(directory)).as("after close").isTrue();
  }

  @Test
  void aForeignHeaderIsRefusedAndLeftUntouched() throws Exception {
    Path directory = Files.createDirectories(temp.resolve("foreign"));
    Path header = directory.resolve(DiskFormat.FILE_NAME);
    byte[] foreign = "NOT A CAIRN FILE AT ALL".getBytes(StandardCharsets.US_ASCII);
    Files.write(header, foreign);
    assertThatThrownBy(() -> open(directory, allowingPoints()))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(header.toString())
        .hasMessageContaining("not a Cairn");
    assertThat(Files.readAllBytes(header)).isEqualTo(foreign);
  }

  @Test
  void segmentFilesWithoutAHeaderAreRefused() throws Exception {
    Path directory = Files.createDirectories(temp.resolve("headless"));
    Files.write(directory.resolve("segment-0.db"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> open(directory, allowingPoints()))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(directory.toString())
        .hasMessageContaining("no " + DiskFormat.FILE_NAME);
    assertThat(Files.readAllBytes(directory.resolve("segment-0.db"))).containsExactly(1, 2, 3);
  }

  @Test
  void aNewerFormatVersionAndAnotherSegmentCountAreRefused() throws Exception {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      cache.put("a", "1");
    }
    Path header = directory.resolve(DiskFormat.FILE_NAME);
    byte[] original = Files.readAllBytes(header);

    TieredCacheWithSegments wrongSegments = new TieredCacheWithSegments(directory, 8);
    assertThatThrownBy(wrongSegments::open)
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining("4 segments");

    byte[] newer = original.clone();
    ByteBuffer.wrap(newer).putInt(8, DiskFormat.VERSION + 1);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(newer, 0, newer.length - 4);
    ByteBuffer.wrap(newer).putInt(newer.length - 4, (int) crc.getValue());
    Files.write(header, newer);
    assertThatThrownBy(() -> open(directory, allowingPoints()))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining("newer Cairn");

    byte[] flipped = original.clone();
    flipped[12] ^= 0x01;
    Files.write(header, flipped);
    assertThatThrownBy(() -> open(directory, allowingPoints()))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void aClassOutsideTheAllowlistIsNeverInstantiatedFromAFile() {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> cache = open(directory,
        Serializers.java(Object.class, Gadget.class.getName()))) {
      cache.put("evil", new Gadget("rm -rf /"));
    }
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      assertThatThrownBy(() -> cache.get("evil"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Refused");
    }
  }

  @Test
  void aValueHoldingAClassOutsideTheAllowlistFailsItsPutAndLosesNothing() {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      cache.put("kept", new Point(1, 2));
      assertThatThrownBy(() -> cache.put("kept", new Gadget("rm -rf /")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Gadget.class.getName())
          .hasMessageContaining("allowlist");
      assertThatThrownBy(() -> cache.put("other", List.of(new Point(3, 4), new Gadget("x"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("it holds a " + Gadget.class.getName());
      assertThat(cache.get("kept")).as("the failed put changed nothing").isEqualTo(new Point(1, 2));
      assertThat(cache.containsKey("other")).isFalse();
      cache.flush();
      assertThat(cache.statistics().flushFailures()).isZero();
    }
  }

  @Test
  void anArrayTypeAllowsItsElementClass() {
    Serializer<Point[]> points = Serializers.java(Point[].class);
    Point[] written = {new Point(1, 2), new Point(3, 4)};
    assertThat(points.deserialize(points.serialize(written))).containsExactly(written);
  }

  /** Serializable itself, but holds something that is not. */
  record Holder(Object content) implements Serializable {
  }

  @Test
  void aValueThatCannotBeSerializedFailsItsPutAndLosesNothing() {
    Path directory = temp.resolve("cache");
    try (TieredCache<String, Object> cache = open(directory,
        Serializers.java(Object.class, Holder.class.getName()))) {
      cache.put("kept", "value");
      assertThatThrownBy(() -> cache.put("kept", new Object()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("java.lang.Object");
      assertThatThrownBy(() -> cache.put("other", new Holder(new Object())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(Holder.class.getName());
      assertThat(cache.get("kept")).as("the failed put changed nothing").isEqualTo("value");
      assertThat(cache.containsKey("other")).isFalse();
      cache.flush();
      assertThat(cache.statistics().flushFailures()).as("no flush ever sees the bad value")
          .isZero();
    }
    try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
      assertThat(cache.get("kept")).isEqualTo("value");
    }
  }

  @Test
  void theDirectoryAndEveryFileInItAreOwnerOnly() throws Exception {
    Path directory = temp.resolve("private");
    for (int run = 0; run < 2; run++) {   // the second run opens, and so recreates, the store
      try (TieredCache<String, Object> cache = open(directory, allowingPoints())) {
        cache.put("a" + run, "1");
      }
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
        .isEqualTo("rwx------");
    try (var walk = Files.walk(directory)) {
      assertThat(walk.filter(Files::isRegularFile).toList()).isNotEmpty().allSatisfy(file ->
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
              .as(file.toString()).isEqualTo("rw-------"));
    }
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsRefused() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> open(file, allowingPoints()))
        .isInstanceOf(DiskTierException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a directory");
  }

  /** Opens the directory with a different segment count than it was written with. */
  private final class TieredCacheWithSegments {
    private final Path directory;
    private final int segments;

    TieredCacheWithSegments(Path directory, int segments) {
      this.directory = directory;
      this.segments = segments;
    }

    void open() {
      TieredCache.<String, Object>builder("disk-test").segments(segments)
          .lowerTier(DiskTier.of(directory, Serializers.string(), allowingPoints())).build()
          .close();
    }
  }
}
