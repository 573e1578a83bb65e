package dev.cairn.cache.disk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The serializers Cairn ships: compact ones for common JDK types, and Java serialization guarded by
 * an {@link ObjectInputFilter} allowlist for everything else.
 */
public final class Serializers {

  /** Classes every Java-serialized value may contain, besides its own class. */
  static final String DEFAULT_ALLOWLIST = "java.lang.*;java.util.*;java.time.*;java.math.*";

  private static final String HOW_TO_ALLOW =
      "Allow the class with Serializers.java(type, patterns) if it is yours";

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
   * refused before it is instantiated, and a value holding one fails to serialize, so the put that
   * brought it fails rather than every later read. Classes are resolved as {@link
   * ObjectInputStream} does by default; where that loader cannot see the application's classes
   * (an application server, a plug-in), use {@link #java(Class, ClassLoader, String...)}.
   */
  public static <T> Serializer<T> java(Class<T> type, String... allowedPatterns) {
    return new JavaSerializer<>(type, allowlist(type, allowedPatterns), null, HOW_TO_ALLOW);
  }

  /**
   * Java serialization as {@link #java(Class, String...)}, resolving the classes it reads with
   * {@code classLoader} (the cache's class loader, say) and, for the classes that loader cannot
   * see, such as primitive types, as {@link ObjectInputStream} does by default. A class is loaded
   * but never initialized before the allowlist has accepted it.
   */
  public static <T> Serializer<T> java(Class<T> type, ClassLoader classLoader,
      String... allowedPatterns) {
    return new JavaSerializer<>(type, allowlist(type, allowedPatterns),
        Objects.requireNonNull(classLoader, "classLoader"), HOW_TO_ALLOW);
  }

  /**
   * As {@link #java(Class, ClassLoader, String...)}, for a tier configured by name rather than in
   * code: {@code howToAllow} tells the user where a refused class can be allowed.
   */
  static <T> Serializer<T> java(Class<T> type, ClassLoader classLoader,
      List<String> allowedPatterns, String howToAllow) {
    return new JavaSerializer<>(type, allowlist(type, allowedPatterns.toArray(String[]::new)),
        Objects.requireNonNull(classLoader, "classLoader"), howToAllow);
  }

  private static ObjectInputFilter allowlist(Class<?> type, String... allowedPatterns) {
    Objects.requireNonNull(type, "type");
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();   // a filter judges an array by its element type
    }
    StringBuilder patterns = new StringBuilder(DEFAULT_ALLOWLIST);
    if (!element.isPrimitive()) {
      patterns.append(';').append(element.getName());
    }
    for (String pattern : allowedPatterns) {
      patterns.append(';').append(Objects.requireNonNull(pattern, "allowedPatterns"));
    }
    return ObjectInputFilter.Config.createFilter(patterns.append(";!*").toString());
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
    private final ClassLoader classLoader;   // null: ObjectInputStream's own resolution
    private final String howToAllow;

    JavaSerializer(Class<T> type, ObjectInputFilter filter, ClassLoader classLoader,
        String howToAllow) {
      this.type = type;
      this.filter = filter;
      this.classLoader = classLoader;
      this.howToAllow = howToAllow;
    }

    @Override
    public byte[] serialize(T value) {
      if (!(value instanceof Serializable)) {
        throw new IllegalArgumentException("A value of " + value.getClass().getName()
            + " cannot be stored on disk: it is not Serializable. Make it Serializable or give"
            + " the disk tier a Serializer for it");
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      List<Class<?>> written = new ArrayList<>();
      try (ObjectOutputStream out = new ClassRecordingOutputStream(bytes, written)) {
        out.writeObject(value);
      } catch (NotSerializableException e) {
        throw new IllegalArgumentException("A value of " + value.getClass().getName()
            + " cannot be stored on disk: it holds a " + e.getMessage()
            + ", which is not Serializable", e);
      } catch (IOException e) {
        throw new IllegalArgumentException("A value of " + value.getClass().getName()
            + " could not be serialized", e);
      }
      // Checked here, so that the put fails rather than every later read of the value
      for (Class<?> writtenClass : written) {
        if (filter.checkInput(new ClassOnly(writtenClass)) == ObjectInputFilter.Status.REJECTED) {
          throw new IllegalArgumentException("A value of " + value.getClass().getName()
              + " cannot be stored on disk: " + (writtenClass == value.getClass() ? "its class"
              : "it holds a " + writtenClass.getName() + ", which") + " is not in the allowlist,"
              + " so it could not be read back. " + howToAllow);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public T deserialize(byte[] bytes) {
      Class<?>[] refused = new Class<?>[1];
      try (ObjectInputStream in = classLoader == null
          ? new ObjectInputStream(new ByteArrayInputStream(bytes))
          : new ResolvingInputStream(new ByteArrayInputStream(bytes), classLoader)) {
        in.setObjectInputFilter(info -> {
          ObjectInputFilter.Status status = filter.checkInput(info);
          if (status == ObjectInputFilter.Status.REJECTED && info.serialClass() != null) {
            refused[0] = info.serialClass();   // the stream's exception does not name it
          }
          return status;
        });
        return type.cast(in.readObject());
      } catch (InvalidClassException e) {
        throw new IllegalStateException("Refused to read a " + type.getName() + " from disk: "
            + (refused[0] != null ? "it holds a " + refused[0].getName() + ", which is not in"
            + " the allowlist (" + e.getMessage() + ")" : e.getMessage()) + ". " + howToAllow, e);
      } catch (IOException | ClassNotFoundException | ClassCastException e) {
        throw new IllegalStateException("Could not read a " + type.getName() + " from disk", e);
      }
    }
  }

  /** Resolves classes with a given loader; the filter then checks each before it is used. */
  private static final class ResolvingInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    ResolvingInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass descriptor)
        throws IOException, ClassNotFoundException {
      try {
        // false: no static initializer runs before the filter has seen the class
        return Class.forName(descriptor.getName(), false, classLoader);
      } catch (ClassNotFoundException notThere) {
        return super.resolveClass(descriptor);   // primitives, or a class only the JDK sees
      }
    }
  }

  /**
   * Records the classes whose descriptors it writes: exactly those a reader passes to its filter.
   * They are checked after the value is written, not here, because a failed write serializes the
   * exception into the stream too, and its classes must not be checked.
   */
  private static final class ClassRecordingOutputStream extends ObjectOutputStream {
    private final List<Class<?>> written;

    ClassRecordingOutputStream(OutputStream out, List<Class<?>> written) throws IOException {
      super(out);
      this.written = written;
    }

    @Override
    protected void annotateClass(Class<?> type) {
      written.add(type);
    }

    @Override
    protected void annotateProxyClass(Class<?> proxy) {
      written.addAll(List.of(proxy.getInterfaces()));   // a reader checks a proxy's interfaces
    }
  }

  /** A class as the filter sees it in a stream, without limits to check. */
  private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
    @Override public long arrayLength() {
      return -1;
    }

    @Override public long depth() {
      return 0;
    }

    @Override public long references() {
      return 0;
    }

    @Override public long streamBytes() {
      return 0;
    }
  }
}
