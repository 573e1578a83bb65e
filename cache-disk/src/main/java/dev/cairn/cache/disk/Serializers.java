package dev.cairn.cache.disk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The serializers Cairn ships: compact ones for common JDK types, and Java serialization guarded by
 * an {@link ObjectInputFilter} allowlist for everything else.
 */
public final class Serializers {

  /** Classes every Java-serialized value may contain, besides its own class. */
  static final String DEFAULT_ALLOWLIST = "java.lang.*;java.util.*;java.time.*;java.math.*";

  private Serializers() {
  }

  /** UTF-8 strings. */
  public static Serializer<String> string() {
    return new Serializer<>() {
      @Override public byte[] serialize(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      @Override public String deserialize(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }

  /** Longs as 8 big-endian bytes. */
  public static Serializer<Long> longs() {
    return new Serializer<>() {
      @Override public byte[] serialize(Long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
      }

      @Override public Long deserialize(byte[] bytes) {
        return ByteBuffer.wrap(checkLength(bytes, Long.BYTES, Long.class)).getLong();
      }
    };
  }

  /** Integers as 4 big-endian bytes. */
  public static Serializer<Integer> integers() {
    return new Serializer<>() {
      @Override public byte[] serialize(Integer value) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
      }

      @Override public Integer deserialize(byte[] bytes) {
        return ByteBuffer.wrap(checkLength(bytes, Integer.BYTES, Integer.class)).getInt();
      }
    };
  }

  /** Byte arrays as they are (copied, so the cache never shares the caller's array). */
  public static Serializer<byte[]> bytes() {
    return new Serializer<>() {
      @Override public byte[] serialize(byte[] value) {
        return value.clone();
      }

      @Override public byte[] deserialize(byte[] bytes) {
        return bytes.clone();
      }
    };
  }

  /**
   * Picks a built-in for {@code String}, {@code Long}, {@code Integer} and {@code byte[]}, and
   * otherwise Java serialization allowing {@code type} and the JDK's value classes.
   */
  @SuppressWarnings("unchecked")
  public static <T> Serializer<T> forClass(Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (type == String.class) {
      return (Serializer<T>) string();
    } else if (type == Long.class) {
      return (Serializer<T>) longs();
    } else if (type == Integer.class) {
      return (Serializer<T>) integers();
    } else if (type == byte[].class) {
      return (Serializer<T>) bytes();
    }
    return java(type);
  }

  /**
   * Java serialization that reads back only {@code type}, the classes matched by
   * {@code allowedPatterns} (in {@link ObjectInputFilter.Config#createFilter} syntax, such as
   * {@code "com.example.model.*"}) and the JDK's value classes. Any other class in a file is
   * refused before it is instantiated.
   */
  public static <T> Serializer<T> java(Class<T> type, String... allowedPatterns) {
    Objects.requireNonNull(type, "type");
    StringBuilder patterns = new StringBuilder(DEFAULT_ALLOWLIST).append(';')
        .append(type.getName());
    for (String pattern : allowedPatterns) {
      patterns.append(';').append(Objects.requireNonNull(pattern, "allowedPatterns"));
    }
    ObjectInputFilter filter = ObjectInputFilter.Config.createFilter(
        patterns.append(";!*").toString());
    return new JavaSerializer<>(type, filter);
  }

  private static byte[] checkLength(byte[] bytes, int length, Class<?> type) {
    if (bytes.length != length) {
      throw new IllegalStateException("Expected " + length + " bytes of a " + type.getSimpleName()
          + ", found " + bytes.length);
    }
    return bytes;
  }

  private static final class JavaSerializer<T> implements Serializer<T> {
    private final Class<T> type;
    private final ObjectInputFilter filter;

    JavaSerializer(Class<T> type, ObjectInputFilter filter) {
      this.type = type;
      this.filter = filter;
    }

    @Override
    public byte[] serialize(T value) {
      if (!(value instanceof Serializable)) {
        throw new IllegalArgumentException("A value of " + value.getClass().getName()
            + " cannot be stored on disk: it is not Serializable. Make it Serializable or give"
            + " the disk tier a Serializer for it");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      } catch (NotSerializableException e) {
        throw new IllegalArgumentException("A value of " + value.getClass().getName()
            + " cannot be stored on disk: it holds a " + e.getMessage()
            + ", which is not Serializable", e);
      } catch (IOException e) {
        throw new IllegalArgumentException("A value of " + value.getClass().getName()
            + " could not be serialized", e);
      }
      return bytes.toByteArray();
    }

    @Override
    public T deserialize(byte[] bytes) {
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        in.setObjectInputFilter(filter);
        return type.cast(in.readObject());
      } catch (InvalidClassException e) {
        throw new IllegalStateException("Refused to read a " + type.getName() + " from disk: "
            + e.getMessage() + ". Allow the class with Serializers.java(type, patterns) if it is"
            + " yours", e);
      } catch (IOException | ClassNotFoundException | ClassCastException e) {
        throw new IllegalStateException("Could not read a " + type.getName() + " from disk", e);
      }
    }
  }
}
