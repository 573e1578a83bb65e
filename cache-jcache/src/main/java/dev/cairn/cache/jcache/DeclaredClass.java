package dev.cairn.cache.jcache;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;

/**
 * A class named in a configuration file, checked when the file is read: that the class loader
 * finds it, that it implements the interface the setting needs and that it can be instantiated
 * with a public no-argument constructor. A mistake then fails {@code ConfigFile.read} with the
 * line, instead of the first cache operation long after.
 *
 * <p>Loading uses {@code initialize = false}, so reading a file runs none of the class's code.
 */
final class DeclaredClass {

  private DeclaredClass() {
  }

  /** Loads a key or value type. */
  static Class<?> type(ConfigNode node, ClassLoader classLoader) {
    return load(node, classLoader, "a class such as java.lang.String");
  }

  /**
   * Checks the named class and returns a serializable factory of it that instantiates it by name
   * ({@link FactoryBuilder#factoryOf(String)}), so the configuration stays serializable.
   *
   * @param role what the class is for, for messages ("a cache loader")
   */
  static <T> Factory<T> factory(ConfigNode node, Class<?> required, String role,
      ClassLoader classLoader) {
    Class<?> type = instantiable(node, required, role, classLoader);
    return FactoryBuilder.factoryOf(type.getName());
  }

  /**
   * Checks and instantiates a {@link Factory} class now; a {@code Factory} is itself
   * serializable, so the instance can sit in the configuration. The factory's declared type
   * argument, when the class names one, must be assignable to {@code product}.
   */
  static <T> Factory<T> factoryInstance(ConfigNode node, Class<?> product, String role,
      ClassLoader classLoader) {
    Class<?> type = instantiable(node, Factory.class, role, classLoader);
    Type argument = factoryArgument(type);
    if (argument instanceof Class<?> made && !product.isAssignableFrom(made)) {
      throw node.problem(type.getName() + " is a Factory<" + made.getName() + ">; " + role
          + " must be a Factory<" + product.getName() + ">");
    }
    try {
      @SuppressWarnings("unchecked")
      Factory<T> factory = (Factory<T>) type.getConstructor().newInstance();
      return factory;
    } catch (InvocationTargetException e) {
      throw node.problem("the constructor of " + type.getName() + " failed: " + e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw node.problem("cannot instantiate " + type.getName() + ": " + e);
    }
  }

  private static Class<?> instantiable(ConfigNode node, Class<?> required, String role,
      ClassLoader classLoader) {
    String needs = role + " must be a public class implementing " + required.getName()
        + " with a public no-argument constructor";
    Class<?> type = load(node, classLoader, "a class implementing " + required.getName());
    if (!required.isAssignableFrom(type)) {
      throw node.problem(type.getName() + " does not implement " + required.getName() + "; "
          + needs);
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw node.problem(type.getName() + " is abstract; " + needs);
    }
    if (!Modifier.isPublic(type.getModifiers())) {
      throw node.problem(type.getName() + " is not public; " + needs);
    }
    try {
      Constructor<?> constructor = type.getConstructor();
      if (!Modifier.isPublic(constructor.getModifiers())) {
        throw new NoSuchMethodException();
      }
    } catch (NoSuchMethodException e) {
      throw node.problem(type.getName() + " has no public no-argument constructor"
          + (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())
              ? " (it is an inner class: make it static)" : "")
          + "; " + needs);
    } catch (LinkageError e) {
      throw node.problem("cannot load " + type.getName() + ": " + e);
    }
    return type;
  }

  private static Class<?> load(ConfigNode node, ClassLoader classLoader, String example) {
    String name = node.text(example);
    try {
      return Class.forName(name, false, classLoader);
    } catch (ClassNotFoundException e) {
      String nested = nestedName(name, classLoader);
      throw node.problem("class " + name + " not found by " + describe(classLoader)
          + (nested != null ? "; a nested class is named with '$': did you mean " + nested + "?"
              : "; check the spelling and that its jar is on the class path"));
    } catch (LinkageError e) {
      throw node.problem("cannot load class " + name + ": " + e);
    }
  }

  private static String describe(ClassLoader classLoader) {
    return classLoader.getName() != null ? "the class loader '" + classLoader.getName() + "'"
        : classLoader.toString();
  }

  /** Returns {@code Outer$Inner} if that is what {@code Outer.Inner} meant, else null. */
  private static String nestedName(String name, ClassLoader classLoader) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    String nested = name.substring(0, dot) + '$' + name.substring(dot + 1);
    try {
      Class.forName(nested, false, classLoader);
      return nested;
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static Type factoryArgument(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Type implemented : c.getGenericInterfaces()) {
        if (implemented instanceof ParameterizedType p && p.getRawType() == Factory.class) {
          return p.getActualTypeArguments()[0];
        }
      }
    }
    return null;
  }
}
