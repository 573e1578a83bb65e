package dev.cairn.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Bad input gets a clear error and loses nothing" (docs/design.md) against damage made
 * systematically on a real store: every file the disk tier reads data from, cut at every 4 KiB
 * boundary, and random bytes flipped in it (seeded). Each damaged copy must either be refused with
 * a {@link DiskTierException} naming a path in the directory, or open and serve every flushed entry
 * correctly; a read may also fail naming the path. Never may a read return a wrong value, nor may
 * an open that reported nothing miss a flushed entry.
 */
class DamagedFileTest {

  private static final int ENTRIES = 400;
  private static final int PAGE = 4096;
  private static final long SEED = 20_261_123L;
  private static final int FLIP_TRIALS = 80;

  @TempDir
  Path tempDir;

  // On a tmpfs when there is one: hundreds of opens and closes, each forcing files to the device.
  private Path temp;

  private Path pristine;

  private static TieredCache<String, String> open(Path directory) {
    return TieredCache.<String, String>builder("damaged")
        .maximumSize(16)
        .segments(1)
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string())
            .checkpointAfter(64 * 1024))
        .build();
  }

  private static String value(int i) {
    return "value-" + i + "-" + "x".repeat(60);
  }

  /**
   * A store whose data is split between a checkpoint (base), its journal and the working store:
   * 400 entries written in flushed batches, then 100 of them rewritten after the checkpoint.
   */
  @BeforeEach
  void writeStore() throws IOException {
    Path shm = Path.of("/dev/shm");
    temp = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "cairn-damaged-") : tempDir;
    pristine = temp.resolve("pristine");
    try (TieredCache<String, String> cache = open(pristine)) {
      for (int i = 0; i < ENTRIES; i++) {
        cache.put("key-" + i, "old");
        if (i % 50 == 49) {
          cache.flush();
        }
      }
      for (int i = 0; i < ENTRIES; i++) {
        cache.put("key-" + i, value(i));
        if (i % 50 == 49) {
          cache.flush();
        }
      }
    }
  }

  @AfterEach
  void deleteTemp() throws IOException {
    if (!temp.equals(tempDir)) {
      deleteTree(temp);
    }
  }

  /**
   * The files a clean open reads entries from: the working store and the journal. (The
   * checkpoint's store is read only by a rebuild, which checks it against its seal first; see
   * {@code BadInputTest}.)
   */
  private List<Path> dataFiles(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      List<Path> files = walk.filter(Files::isRegularFile)
          .filter(p -> p.getParent().getFileName().toString().equals(DiskSegment.WORK)
              && p.getFileName().toString().equals(DiskSegment.STORE)
              || p.getFileName().toString().startsWith("journal-"))
          .sorted().toList();
      assertThat(files).as("data files").hasSize(2);
      for (Path file : files) {
        if (file.getFileName().toString().startsWith("journal-")) {
          assertThat(Files.size(file)).as("%s holds records", file).isGreaterThan(PAGE);
        }
      }
      return files;
    }
  }

  @Test
  void aDataFileCutAtAny4KiBBoundaryIsReportedOrRepairedNeverServedWrong() throws Exception {
    int cuts = 0;
    for (Path file : dataFiles(pristine)) {
      Path relative = pristine.relativize(file);
      long size = Files.size(file);
      for (long length = 0; length < size; length += PAGE) {
        Path copy = copyOfPristine("cut-" + cuts++);
        Path damaged = copy.resolve(relative);
        try (FileChannel channel = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
          channel.truncate(length);
        }
        assertReportedOrIntact(copy, damaged, relative + " cut to " + length + " bytes");
        deleteTree(copy);
      }
    }
    assertThat(cuts).as("cuts made").isGreaterThan(100);
  }

  @Test
  void randomBytesFlippedInADataFileAreReportedOrRepairedNeverServedWrong() throws Exception {
    Random random = new Random(SEED);
    List<Path> files = dataFiles(pristine);
    for (int trial = 0; trial < FLIP_TRIALS; trial++) {
      Path relative = pristine.relativize(files.get(trial % files.size()));
      Path copy = copyOfPristine("flip-" + trial);
      Path damaged = copy.resolve(relative);
      byte[] bytes = Files.readAllBytes(damaged);
      int end = endOfContent(bytes);
      List<Integer> offsets = new ArrayList<>();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        int offset = random.nextInt(Math.max(1, end));
        bytes[offset] ^= (byte) (1 + random.nextInt(255));
        offsets.add(offset);
      }
      Files.write(damaged, bytes);
      assertReportedOrIntact(copy, damaged, "trial " + trial + " (seed " + SEED + "): "
          + relative + " with bytes flipped at " + offsets);
      deleteTree(copy);
    }
  }

  private void assertReportedOrIntact(Path directory, Path damaged, String what)
      throws IOException {
    TieredCache<String, String> cache;
    try {
      cache = open(directory);
    } catch (DiskTierException refused) {
      assertThat(refused.getMessage()).as("the refusal of %s", what)
          .contains(directory.toString());
      return;
    }
    try (cache) {
      for (int i = 0; i < ENTRIES; i++) {
        String value;
        try {
          value = cache.get("key-" + i);
        } catch (RuntimeException failed) {
          assertThat(failed.toString() + causes(failed)).as("a failed read of key-%d after %s", i,
              what).contains(directory.toString());
          continue;
        }
        assertThat(value).as("key-%d after %s", i, what).isEqualTo(value(i));
      }
    } catch (RuntimeException closing) {
      assertThat(closing.toString() + causes(closing)).as("closing after %s", what)
          .contains(directory.toString());
    }
  }

  private static String causes(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      all.append(" / ").append(cause);
    }
    return all.toString();
  }

  private Path copyOfPristine(String name) throws IOException {
    Path copy = temp.resolve(name);
    try (Stream<Path> walk = Files.walk(pristine)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        Path target = copy.resolve(pristine.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return copy;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  private static int endOfContent(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] == 0) {
      end--;
    }
    return end;
  }
}
