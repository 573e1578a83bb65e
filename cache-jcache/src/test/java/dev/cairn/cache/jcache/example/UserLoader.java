package dev.cairn.cache.jcache.example;

import java.util.Map;
import javax.cache.integration.CacheLoader;

/** A cache loader; loads nothing. */
public class UserLoader implements CacheLoader<String, User> {

  @Override
  public User load(String key) {
    return null;
  }

  @Override
  public Map<String, User> loadAll(Iterable<? extends String> keys) {
    return Map.of();
  }
}
