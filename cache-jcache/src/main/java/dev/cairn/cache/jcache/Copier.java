package dev.cairn.cache.jcache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Set;
import java.util.UUID;

/**
 * Makes the copies JCache's store-by-value promises: what the cache holds cannot be changed by the
 * caller through a reference it kept or got back. Copies are made with Java serialization, the one
 * way to copy an arbitrary {@link java.io.Serializable} object graph; values of the JDK's immutable
 * types are shared instead, since no one can change them.
 *
 * <p>The bytes never leave the process and are made from the application's own objects, so the
 * read side needs no allowlist; classes are resolved with the cache manager's class loader.
 */
abstract class Copier {

  /** Store-by-reference: hands objects through. */
  static final Copier IDENTITY = new Copier() {
    @Override <T> T copy(T value, String what) {
      return value;
    }
  };

  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class,
      Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class,
      Double.class, BigInteger.class, BigDecimal.class, UUID.class, Class.class);

  /** Returns a copier that copies through Java serialization. */
  static Copier serializing(ClassLoader classLoader) {
    return new Serializing(classLoader);
  }

  /**
   * Returns a copy of the value, or the value itself if it cannot change.
   *
   * @param what "key" or "value", for the error
   * @throws IllegalArgumentException if the value cannot be serialized
   */
  abstract <T> T copy(T value, String what);

  static boolean isImmutable(Object value) {
    Class<?> type = value.getClass();
    return IMMUTABLE.contains(type) || type.isEnum()
        || (value instanceof TemporalAccessor && type.getName().startsWith("java.time."))
        || value instanceof java.time.Duration || value instanceof java.time.Period;
  }

  private static final class Serializing extends Copier {
    private final ClassLoader classLoader;

    Serializing(ClassLoader classLoader) {
      this.classLoader = classLoader;
    }

    @Override
    @SuppressWarnings("unchecked")
    <T> T copy(T value, String what) {
      if (value == null || isImmutable(value)) {
        return value;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot copy a " + what + " of "
            + value.getClass().getName() + " to store it by value (" + e
            + "); make it Serializable, or configure the cache to store by reference", e);
      }
      try (ObjectInputStream in = new LoaderObjectInputStream(
          new ByteArrayInputStream(bytes.toByteArray()), classLoader)) {
        return (T) in.readObject();
      } catch (IOException | ClassNotFoundException e) {
        throw new IllegalArgumentException("Cannot copy a " + what + " of "
            + value.getClass().getName() + " to store it by value: reading it back failed (" + e
            + "); check its readObject/readResolve, or store by reference", e);
      }
    }
  }

  /** Resolves classes with the cache manager's class loader, then the JDK's defaults. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass description)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(description.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(description);
      }
    }
  }
}
