package dev.cairn.cache.disk;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Where the cache's coherence layer stopped following the other processes, kept in the tier's
 * directory from a clean close to the next open (file {@code coherence-position}: magic
 * {@code CAIRNPOS}, the position's UTF-8 bytes, a CRC32C of what precedes). The next open takes
 * it and deletes it at once, so that a crash after that open finds none and the cache starts
 * cold instead of resuming from a position its data no longer matches.
 */
final class CoherencePositionFile {

  static final String FILE_NAME = "coherence-position";
  private static final System.Logger LOG = System.getLogger(CoherencePositionFile.class.getName());
  private static final byte[] MAGIC = "CAIRNPOS".getBytes(StandardCharsets.US_ASCII);

  private CoherencePositionFile() {
  }

  /** Writes the position atomically; a failure names the file. */
  static void save(Path directory, String position) {
    Path file = directory.resolve(FILE_NAME);
    byte[] text = position.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(MAGIC.length + text.length + Integer.BYTES);
    bytes.put(MAGIC).put(text);
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, bytes.position());
    bytes.putInt((int) crc.getValue());
    try {
      DiskFiles.writeAtomically(file, bytes.array());
    } catch (IOException e) {
      throw new DiskTierException("Cannot keep the coherence position in " + file + ": " + e, e);
    }
  }

  /**
   * Returns the position kept at the last clean close and deletes the file durably, or returns
   * {@code null} if there is none; a damaged file is logged, deleted and reads as none.
   */
  static String take(Path directory, String cacheName) {
    Path file = directory.resolve(FILE_NAME);
    String position;
    try {
      position = parse(Files.readAllBytes(file));
    } catch (NoSuchFileException none) {
      return null;
    } catch (IOException e) {
      LOG.log(Level.WARNING, () -> "Ignoring " + file + " of cache '" + cacheName + "': " + e
          + "; the cache starts cold on its bus");
      position = null;
    }
    try {
      DiskFiles.deleteDurably(file);
    } catch (IOException e) {
      throw new DiskTierException("Cannot delete " + file + " after reading it: a crash could"
          + " resume cache '" + cacheName + "' from a stale position. Check the directory", e);
    }
    return position;
  }

  private static String parse(byte[] bytes) throws IOException {
    int body = bytes.length - Integer.BYTES;
    if (body < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not a Cairn coherence position");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, body);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, body, Integer.BYTES).getInt()) {
      throw new IOException("damaged (checksum mismatch)");
    }
    return new String(bytes, MAGIC.length, body - MAGIC.length, StandardCharsets.UTF_8);
  }
}
