package dev.cairn.cache.disk;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * A segment's journal: every flushed batch, appended and forced to the device before the flush is
 * acknowledged. It is what makes a batch durable; the MapDB store is rebuilt from the last
 * checkpoint plus this journal after a crash.
 *
 * <p>Record: int payload length, int CRC32C of the payload, payload. Payload: int entry count, then
 * per entry int key length, key, int value length ({@code -1} for a removal), value. A record cut
 * short by a kill fails its length or checksum check; replay stops there and the tail is cut off,
 * which loses nothing acknowledged, because the append that wrote it never returned.
 */
final class SegmentJournal implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SegmentJournal.class.getName());
  private static final int HEADER = 2 * Integer.BYTES;

  private final Path file;
  private final FileChannel channel;
  private long length;
  // set when an append failed halfway and the cut back failed too: the next append cuts first
  private boolean tailDamaged;

  private SegmentJournal(Path file, FileChannel channel, long length) {
    this.file = file;
    this.channel = channel;
    this.length = length;
  }

  /**
   * Opens a journal, feeding every whole record to {@code replay} (key, value-or-null per entry),
   * and cuts off a damaged tail so the next append follows the last whole record.
   */
  static SegmentJournal open(Path file, BiConsumer<byte[], byte[]> replay) throws IOException {
    FileChannel channel = DiskFiles.openOwnerOnly(file, StandardOpenOption.READ);
    try {
      long valid = replay(file, channel, replay);
      long size = channel.size();
      if (valid < size) {
        LOG.log(Level.WARNING, "Cutting {0} bytes off the end of {1}: a record there is"
            + " incomplete or damaged (a write cut short by a crash leaves one)", size - valid,
            file);
        channel.truncate(valid);
        channel.force(true);
      }
      return new SegmentJournal(file, channel, valid);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Opens a journal whose length a clean close recorded, without reading it: nothing needs
   * replaying. A journal of another length than recorded is read through as by {@link #open}.
   */
  static SegmentJournal openAtEnd(Path file, long recordedLength) throws IOException {
    FileChannel channel = DiskFiles.openOwnerOnly(file, StandardOpenOption.READ);
    try {
      if (channel.size() == recordedLength) {
        return new SegmentJournal(file, channel, recordedLength);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    channel.close();
    LOG.log(Level.WARNING, "{0} is not the length recorded at the last clean close; reading it"
        + " through", file);
    return open(file, (key, value) -> { });
  }

  private static long replay(Path file, FileChannel channel, BiConsumer<byte[], byte[]> replay)
      throws IOException {
    long size = channel.size();
    long position = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (position + HEADER <= size) {
      header.clear();
      readFully(channel, header, position);
      header.flip();
      int payloadLength = header.getInt();
      int checksum = header.getInt();
      if (payloadLength < Integer.BYTES || position + HEADER + payloadLength > size) {
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(payloadLength);
      readFully(channel, payload, position + HEADER);
      if (crc(payload.array()) != checksum) {
        break;
      }
      payload.flip();
      apply(payload, replay, file);
      position += HEADER + payloadLength;
    }
    return position;
  }

  private static void apply(ByteBuffer payload, BiConsumer<byte[], byte[]> replay, Path file) {
    int count = payload.getInt();
    for (int i = 0; i < count; i++) {
      byte[] key = new byte[payload.getInt()];
      payload.get(key);
      int valueLength = payload.getInt();
      byte[] value = null;
      if (valueLength >= 0) {
        value = new byte[valueLength];
        payload.get(value);
      }
      replay.accept(key, value);
    }
    if (payload.hasRemaining()) {
      throw new DiskTierException(file + " holds a record whose checksum matches but whose"
          + " content does not parse: it was not written by this version of Cairn");
    }
  }

  /** Appends one batch and forces it to the device; on failure the journal is as before. */
  void append(List<Map.Entry<byte[], byte[]>> batch) throws IOException {
    int payloadLength = Integer.BYTES;
    for (Map.Entry<byte[], byte[]> change : batch) {
      payloadLength += 2 * Integer.BYTES + change.getKey().length
          + (change.getValue() == null ? 0 : change.getValue().length);
    }
    ByteBuffer record = ByteBuffer.allocate(HEADER + payloadLength);
    record.position(HEADER);
    record.putInt(batch.size());
    for (Map.Entry<byte[], byte[]> change : batch) {
      record.putInt(change.getKey().length).put(change.getKey());
      if (change.getValue() == null) {
        record.putInt(-1);
      } else {
        record.putInt(change.getValue().length).put(change.getValue());
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(record.array(), HEADER, payloadLength);
    record.putInt(0, payloadLength).putInt(Integer.BYTES, (int) crc.getValue());
    record.flip();
    if (tailDamaged) {
      channel.truncate(length);
      tailDamaged = false;
    }
    try {
      long position = length;
      while (record.hasRemaining()) {
        position += channel.write(record, position);
      }
      channel.force(false);
      length = position;
    } catch (IOException e) {
      try {
        channel.truncate(length);
      } catch (IOException cut) {
        tailDamaged = true;
        e.addSuppressed(cut);
      }
      throw e;
    }
  }

  /** Returns the journal's length in bytes. */
  long length() {
    return length;
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("Unexpected end of " + channel);
      }
    }
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }
}
