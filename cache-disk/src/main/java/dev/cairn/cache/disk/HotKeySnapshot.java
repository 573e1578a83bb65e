package dev.cairn.cache.disk;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The hot keys of a disk tier: the keys its cache's memory held at the last clean close, hottest
 * first, kept in the file {@value #FILE_NAME} beside the segment stores so that the next cache
 * opened over the directory refills its memory with them (a warm restart).
 *
 * <p>Layout: 8 bytes magic {@code CAIRNHOT}, int format version, int key count, then per key an
 * int length and the key's bytes (the tier's key serializer), then an int CRC32C of every byte
 * before it. It is written aside, forced to disk, then renamed over the previous one in one atomic
 * step, as {@link DiskFormat} writes its header: a crash while saving leaves the previous snapshot
 * or none, never half of one.
 *
 * <p>The snapshot is only a speed-up: every entry is in the segment stores, and warm-up reads each
 * value from them through the cache's normal read path, under the key's lock. So reading it never
 * fails the tier: a missing file means no hot keys, and a damaged, truncated, newer or unreadable
 * one is logged as a warning naming its path and ignored (it is left for inspection and replaced
 * at the next clean close).
 *
 * <p>After a crash or kill the snapshot of the last clean close is still there, and is used on
 * purpose: it cannot bring back anything wrong, since a key removed or expired since is skipped by
 * the read path, and a key no longer hot costs one disk read and is evicted by normal use. An old
 * ranking beats a cold start, and a process that crashes repeatedly still starts warm.
 *
 * @param <K> the key type
 */
final class HotKeySnapshot<K> {

  static final String FILE_NAME = "hot-keys";
  static final int VERSION = 1;
  private static final System.Logger LOG = System.getLogger(HotKeySnapshot.class.getName());
  private static final byte[] MAGIC = "CAIRNHOT".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 2 * Integer.BYTES;

  private final Path file;
  private final Serializer<K> serializer;
  private final List<K> keys;

  private HotKeySnapshot(Path file, Serializer<K> serializer, List<K> keys) {
    this.file = file;
    this.serializer = serializer;
    this.keys = keys;
  }

  /**
   * Reads the snapshot in {@code directory}; never fails: a missing file reads as no keys, and a
   * file that cannot be used is logged, naming it and the cache, and reads as no keys.
   */
  static <K> HotKeySnapshot<K> read(Path directory, Serializer<K> serializer, String cacheName) {
    Path file = directory.resolve(FILE_NAME);
    List<K> keys;
    try {
      keys = parse(Files.readAllBytes(file), serializer);
    } catch (NoSuchFileException none) {
      keys = List.of();
    } catch (IOException | RuntimeException unusable) {
      LOG.log(Level.WARNING, () -> "Ignoring the hot-key snapshot " + file + " of cache '"
          + cacheName + "': " + unusable.getMessage() + ". It is only a speed-up: every entry is"
          + " still in the segment stores, memory fills on demand instead, and the file is"
          + " replaced at the next clean close", unusable);
      keys = List.of();
    }
    return new HotKeySnapshot<>(file, serializer, keys);
  }

  /** Returns the keys read when the tier opened, hottest first; empty if there were none. */
  List<K> keys() {
    return keys;
  }

  /**
   * Replaces the snapshot with these keys, atomically. On failure the previous snapshot (or none)
   * stays, and the temporary file is removed.
   *
   * @throws DiskTierException naming the file if it cannot be written
   */
  void save(List<K> hottestFirst) {
    try {
      DiskFiles.writeAtomically(file, serialize(hottestFirst));
    } catch (IOException | RuntimeException e) {
      throw new DiskTierException("Cannot save the hot-key snapshot " + file + " ("
          + hottestFirst.size() + " keys); the previous one, if any, is kept. The data is not"
          + " affected, only the next start's warm-up", e);
    }
  }

  private byte[] serialize(List<K> hottestFirst) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(hottestFirst.size());
    for (K key : hottestFirst) {
      byte[] serialized = serializer.serialize(key);
      out.writeInt(serialized.length);
      out.write(serialized);
    }
    out.flush();
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  private static <K> List<K> parse(byte[] bytes, Serializer<K> serializer) throws IOException {
    if (bytes.length < HEADER + Integer.BYTES) {
      throw new IOException("truncated (" + bytes.length + " bytes)");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not a Cairn hot-key snapshot (wrong magic bytes)");
    }
    int body = bytes.length - Integer.BYTES;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, body);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, body, Integer.BYTES).getInt()) {
      throw new IOException("damaged or truncated (checksum mismatch)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, MAGIC.length, body - MAGIC.length);
    int version = buffer.getInt();
    if (version > VERSION) {
      throw new IOException("written by a newer Cairn (snapshot format " + version
          + "; this version reads up to " + VERSION + ")");
    }
    int count = buffer.getInt();
    // Each key takes at least its length field, so a larger count cannot be right.
    if (count < 0 || count > buffer.remaining() / Integer.BYTES) {
      throw new IOException("damaged (" + count + " keys in " + bytes.length + " bytes)");
    }
    List<K> keys = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
          throw new IOException("damaged (key " + i + " claims " + length + " bytes)");
        }
        byte[] key = new byte[length];
        buffer.get(key);
        keys.add(serializer.deserialize(key));
      }
    } catch (BufferUnderflowException e) {
      throw new IOException("damaged (shorter than its " + count + " keys)", e);
    }
    if (buffer.hasRemaining()) {
      throw new IOException("damaged (" + buffer.remaining() + " bytes after the last key)");
    }
    return Collections.unmodifiableList(keys);
  }
}
