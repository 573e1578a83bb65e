package dev.cairn.cache.jcache.example;

import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;

/** A listener for removed entries; ignores them. */
public class AuditListener implements CacheEntryRemovedListener<Object, Object> {

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<?, ?>> events) {
  }
}
