package dev.cairn.cache.jcache.example;

import dev.cairn.cache.core.Weigher;

/** Weighs a user by the length of its name. */
public class UserWeigher implements Weigher<String, User> {

  @Override
  public int weigh(String key, User value) {
    return value.name().length();
  }
}
