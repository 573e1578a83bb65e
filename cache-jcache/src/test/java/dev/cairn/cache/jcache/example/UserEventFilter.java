package dev.cairn.cache.jcache.example;

import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;

/** A listener's filter; lets every event through. */
public class UserEventFilter implements CacheEntryEventFilter<String, User> {

  @Override
  public boolean evaluate(CacheEntryEvent<? extends String, ? extends User> event) {
    return true;
  }
}
