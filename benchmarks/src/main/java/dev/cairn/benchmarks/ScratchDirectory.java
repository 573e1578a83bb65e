package dev.cairn.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Fresh directories for a trial or an iteration, made under {@code java.io.tmpdir} (point it at the
 * device you want to measure: a tmpfs there makes every force free) and deleted in the tear-down.
 */
public final class ScratchDirectory {

  private ScratchDirectory() {
  }

  /** Creates a new, empty directory whose name starts with {@code prefix}. */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory("cairn-bench-" + prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a scratch directory under "
          + System.getProperty("java.io.tmpdir") + "; set -Djava.io.tmpdir to a writable one", e);
    }
  }

  /** Copies the tree {@code from} into {@code to}, which must not exist yet. */
  public static void copy(Path from, Path to) {
    try (Stream<Path> tree = Files.walk(from)) {
      for (Path source : (Iterable<Path>) tree::iterator) {
        Files.copy(source, to.resolve(from.relativize(source).toString()),
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
    }
  }

  /** Deletes {@code directory} and everything under it; does nothing if it is null or gone. */
  public static void delete(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the scratch directory " + directory
          + "; delete it by hand", e);
    }
  }
}
