package dev.cairn.cache.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a cache's keys into the bytes an invalidation carries and back. Every JVM on a bus must
 * use the same codec for a cache: a key is found again only if it decodes to an equal key.
 *
 * @param <K> the key type
 */
public interface KeyCodec<K> {

  /** Returns the key's bytes. */
  byte[] encode(K key);

  /**
   * Returns the key the bytes stand for.
   *
   * @throws IllegalArgumentException if the bytes are not a key of this codec
   */
  K decode(byte[] bytes);

  /** UTF-8 strings. */
  static KeyCodec<String> strings() {
    return new KeyCodec<>() {
      @Override public byte[] encode(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
      }

      @Override public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }

  /** {@code Long}s as 8 bytes, big-endian. */
  static KeyCodec<Long> longs() {
    return new KeyCodec<>() {
      @Override public byte[] encode(Long key) {
        return ByteBuffer.allocate(Long.BYTES).putLong(key).array();
      }

      @Override public Long decode(byte[] bytes) {
        if (bytes.length != Long.BYTES) {
          throw new IllegalArgumentException("A Long key takes 8 bytes, not " + bytes.length);
        }
        return ByteBuffer.wrap(bytes).getLong();
      }
    };
  }

  /** {@code Integer}s as 4 bytes, big-endian. */
  static KeyCodec<Integer> integers() {
    return new KeyCodec<>() {
      @Override public byte[] encode(Integer key) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(key).array();
      }

      @Override public Integer decode(byte[] bytes) {
        if (bytes.length != Integer.BYTES) {
          throw new IllegalArgumentException("An Integer key takes 4 bytes, not " + bytes.length);
        }
        return ByteBuffer.wrap(bytes).getInt();
      }
    };
  }
}
