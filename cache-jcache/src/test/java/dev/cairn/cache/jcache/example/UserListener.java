package dev.cairn.cache.jcache.example;

import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;

/** A listener for created entries; ignores them. */
public class UserListener implements CacheEntryCreatedListener<String, User> {

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends User>> events) {
  }
}
