package dev.cairn.cache.jcache.example;

import java.util.Collection;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;

/** A cache writer; writes nowhere. */
public class UserWriter implements CacheWriter<String, User> {

  @Override
  public void write(Cache.Entry<? extends String, ? extends User> entry) {
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends String, ? extends User>> entries) {
  }

  @Override
  public void delete(Object key) {
  }

  @Override
  public void deleteAll(Collection<?> keys) {
  }
}
