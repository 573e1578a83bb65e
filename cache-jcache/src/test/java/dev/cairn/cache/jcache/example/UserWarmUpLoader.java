package dev.cairn.cache.jcache.example;

import dev.cairn.cache.core.WarmUpLoader;
import java.util.Map;
import java.util.Set;

/** A warm-up loader; preloads nothing. */
public class UserWarmUpLoader implements WarmUpLoader<String, User> {

  @Override
  public Set<String> keys() {
    return Set.of();
  }

  @Override
  public Map<String, User> loadAll(Set<? extends String> batch) {
    return Map.of();
  }
}
