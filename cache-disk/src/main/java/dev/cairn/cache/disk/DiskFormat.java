package dev.cairn.cache.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Cairn's header file in a cache directory, checked before MapDB opens anything, so a foreign, a
 * newer or a damaged directory is refused with Cairn's own message and path.
 *
 * <p>Layout: 8 bytes magic {@code CAIRNDSK}, int format version, int segment count, int CRC32C of
 * the preceding bytes.
 */
final class DiskFormat {

  static final String FILE_NAME = "cairn.format";
  static final int VERSION = 1;
  // Files of format version 1 placed their keys in segments by KeyPlacement version 1; a new
  // placement function needs a new format version, so old files are never read with it.
  static final int KEY_PLACEMENT = 1;
  private static final byte[] MAGIC = "CAIRNDSK".getBytes(StandardCharsets.US_ASCII);
  private static final int LENGTH = MAGIC.length + 3 * Integer.BYTES;

  private DiskFormat() {
  }

  /** Checks the header of a directory, or writes one if the directory holds no store yet. */
  static void checkOrCreate(Path directory, int segments) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      try (var entries = Files.list(directory)) {
        if (entries.anyMatch(p -> p.getFileName().toString().startsWith("segment-"))) {
          throw new DiskTierException("Directory " + directory + " holds segment files but no "
              + FILE_NAME + " header: it was not written by Cairn, or the header was lost."
              + " Refusing to open it; move it away or restore the header");
        }
      }
      write(file, segments);
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < MAGIC.length
        || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new DiskTierException("File " + file + " is not a Cairn disk tier header (wrong magic"
          + " bytes): the directory belongs to something else. Refusing to open or overwrite it");
    }
    if (bytes.length != LENGTH) {
      throw new DiskTierException("File " + file + " is truncated or damaged (" + bytes.length
          + " bytes, expected " + LENGTH + "). Refusing to open the directory");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, MAGIC.length, LENGTH - MAGIC.length);
    int version = buffer.getInt();
    int storedSegments = buffer.getInt();
    int storedCrc = buffer.getInt();
    if (storedCrc != crc(bytes)) {
      throw new DiskTierException("File " + file + " is damaged (checksum mismatch). Refusing to"
          + " open the directory");
    }
    if (version > VERSION) {
      throw new DiskTierException("Directory " + directory + " was written by a newer Cairn"
          + " (disk format " + version + "; this version reads up to " + VERSION + ")."
          + " Upgrade Cairn or point the cache at another directory");
    }
    if (storedSegments != segments) {
      throw new DiskTierException("Directory " + directory + " was written with " + storedSegments
          + " segments but the cache is configured with " + segments + "; keys would be looked up"
          + " in the wrong segment. Configure " + storedSegments + " segments");
    }
  }

  /**
   * Returns whether {@code directory} holds a file named as Cairn's header that starts with its
   * magic bytes, damaged or not: enough to tell a directory Cairn wrote from someone else's.
   */
  static boolean hasHeader(Path directory) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    byte[] start = new byte[MAGIC.length];
    try (var in = Files.newInputStream(file)) {
      return in.readNBytes(start, 0, start.length) == start.length
          && java.util.Arrays.equals(start, MAGIC);
    }
  }

  private static void write(Path file, int segments) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
    buffer.put(MAGIC).putInt(VERSION).putInt(segments);
    byte[] bytes = buffer.array();
    buffer.putInt(crc(bytes));
    DiskFiles.writeAtomically(file, bytes);   // a crash leaves either no header or a whole one
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, LENGTH - Integer.BYTES);
    return (int) crc.getValue();
  }
}
