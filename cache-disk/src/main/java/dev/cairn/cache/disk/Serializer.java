package dev.cairn.cache.disk;

/**
 * Turns keys or values into bytes for the disk tier and back. Cairn keeps only bytes in MapDB, so
 * the format on disk is Cairn's and no class is instantiated from a file except through a
 * serializer chosen here.
 *
 * <p>Built-ins and Java serialization behind an allowlist are in {@link Serializers}.
 *
 * @param <T> the type serialized
 */
public interface Serializer<T> {

  /**
   * Returns the bytes of {@code value}.
   *
   * @throws IllegalArgumentException naming the value's class if it cannot be serialized
   */
  byte[] serialize(T value);

  /**
   * Reads a value back.
   *
   * @throws IllegalStateException if the bytes are not a value of this serializer, or name a class
   *     outside its allowlist
   */
  T deserialize(byte[] bytes);
}
