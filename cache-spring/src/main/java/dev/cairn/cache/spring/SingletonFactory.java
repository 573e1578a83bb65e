package dev.cairn.cache.spring;

import javax.cache.configuration.Factory;

/**
 * A JSR-107 {@link Factory} that hands out one object made elsewhere: a Spring bean, such as a
 * warm-up loader that needs the application's repositories. JCache configurations take factories
 * so that they can be serialized; this one is never serialized (Cairn copies configurations with
 * their copy constructor), so the object need not be serializable and is not kept when it is.
 */
final class SingletonFactory<T> implements Factory<T> {

  private static final long serialVersionUID = 1L;

  private final transient T instance;

  SingletonFactory(T instance) {
    this.instance = instance;
  }

  @Override
  public T create() {
    return instance;
  }
}
