package dev.cairn.cache.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * File-system steps the disk tier's crash safety rests on: each one either completes or leaves
 * the old state, and each is forced to the device before the next step relies on it.
 */
final class DiskFiles {

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private DiskFiles() {
  }

  /** Creates a directory (and its parents) readable by the owner only. */
  static void createOwnerOnlyDirectory(Path directory) throws IOException {
    if (POSIX) {
      Files.createDirectories(directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(directory);
    }
  }

  /**
   * Restricts every file and directory under {@code root} to its owner: MapDB creates its files
   * with the process's default permissions, and a cache may hold anything.
   */
  static void restrictToOwner(Path root) throws IOException {
    if (!POSIX) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        Files.setPosixFilePermissions(path, Files.isDirectory(path)
            ? PosixFilePermissions.fromString("rwx------")
            : PosixFilePermissions.fromString("rw-------"));
      }
    }
  }

  /** Opens (creating it owner-only if missing) a file for reading and writing. */
  static FileChannel openOwnerOnly(Path file, StandardOpenOption... options) throws IOException {
    Set<StandardOpenOption> all = new HashSet<>(List.of(options));
    all.add(StandardOpenOption.CREATE);
    all.add(StandardOpenOption.WRITE);
    return POSIX
        ? FileChannel.open(file, all,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : FileChannel.open(file, all);
  }

  /**
   * Replaces {@code file} with {@code bytes} atomically: written aside, forced, renamed over the
   * old file, then the directory forced, so a crash leaves either the old content or the new.
   */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (FileChannel channel = openOwnerOnly(temporary, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temporary);   // the old file, if any, is untouched
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    forceDirectory(file.getParent());
  }

  /** Creates an empty file and makes both it and its directory entry durable. */
  static void createDurably(Path file) throws IOException {
    try (FileChannel channel = openOwnerOnly(file)) {
      channel.force(true);
    }
    forceDirectory(file.getParent());
  }

  /** Deletes a file if present and makes the deletion durable. */
  static void deleteDurably(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      forceDirectory(file.getParent());
    }
  }

  /** Copies every regular file of {@code from} into the empty directory {@code to}, forced. */
  static void copyDirectory(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          Path copy = to.resolve(file.getFileName());
          Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
          force(copy);
        }
      }
    }
    forceDirectory(to);
  }

  /** Deletes a directory tree if present; a crash halfway leaves a tree the next open deletes. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    forceDirectory(root.getParent());
  }

  /** Returns the bytes all regular files under {@code root} occupy. */
  static long sizeOf(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      long total = 0;
      for (Path path : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(path)) {
          total += Files.size(path);
        }
      }
      return total;
    }
  }

  /** Returns the CRC32C of a file's content. */
  static int crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        crc.update(buffer);
        buffer.clear();
      }
    }
    return (int) crc.getValue();
  }

  static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Forces a directory's entries (creations, renames, deletions) to the device. */
  static void forceDirectory(Path directory) throws IOException {
    if (!POSIX) {
      return;   // Windows cannot open a directory as a channel; its renames are journaled anyway
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
