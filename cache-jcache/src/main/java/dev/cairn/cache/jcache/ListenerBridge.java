package dev.cairn.cache.jcache;

import dev.cairn.cache.core.CacheEvent;
import dev.cairn.cache.core.CacheEventListener;
import dev.cairn.cache.core.ListenerRegistration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * One JCache listener registration, fed by the engine's events: the engine orders them per key and
 * runs synchronous listeners before the operation returns; this filters, translates and copies.
 */
final class ListenerBridge<K, V> implements CacheEventListener<K, V> {

  private final CairnCache<K, V> cache;
  private final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;
  private final boolean oldValueRequired;
  private final Copier copier;
  private ListenerRegistration registration;

  ListenerBridge(CairnCache<K, V> cache, CacheEntryListenerConfiguration<K, V> configuration,
      Copier copier) {
    this.cache = cache;
    this.configuration = configuration;
    this.copier = copier;
    Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
        configuration.getCacheEntryListenerFactory();
    if (listenerFactory == null) {
      throw new IllegalArgumentException("The listener configuration of cache '" + cache.getName()
          + "' has no listener factory");
    }
    this.listener = listenerFactory.create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = filterFactory == null ? null : filterFactory.create();
    this.oldValueRequired = configuration.isOldValueRequired();
  }

  CacheEntryListenerConfiguration<K, V> configuration() {
    return configuration;
  }

  /** The engine's event kinds this listener takes, from the listener interfaces it implements. */
  Set<dev.cairn.cache.core.EventType> engineTypes() {
    Set<dev.cairn.cache.core.EventType> types = EnumSet.noneOf(dev.cairn.cache.core.EventType.class);
    if (listener instanceof CacheEntryCreatedListener) {
      types.add(dev.cairn.cache.core.EventType.CREATED);
    }
    if (listener instanceof CacheEntryUpdatedListener) {
      types.add(dev.cairn.cache.core.EventType.UPDATED);
    }
    if (listener instanceof CacheEntryRemovedListener) {
      types.add(dev.cairn.cache.core.EventType.REMOVED);
    }
    if (listener instanceof CacheEntryExpiredListener) {
      types.add(dev.cairn.cache.core.EventType.EXPIRED);
    }
    return types;
  }

  void registered(ListenerRegistration registration) {
    this.registration = registration;
  }

  void cancel() {
    if (registration != null) {
      registration.cancel();
    }
    SystemOfRecord.closeQuietly(listener);
    SystemOfRecord.closeQuietly(filter);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onEvent(CacheEvent<K, V> event) {
    EventType type = switch (event.type()) {
      case CREATED -> EventType.CREATED;
      case UPDATED -> EventType.UPDATED;
      case REMOVED -> EventType.REMOVED;
      case EXPIRED -> EventType.EXPIRED;
      case EVICTED -> null;
    };
    if (type == null) {
      return;
    }
    V oldValue = copier.copy(event.oldValue(), "value");
    // JSR-107 1.1: a removed or expired entry's event carries the value it had as its value too,
    // for a listener that asked for old values; others get none.
    V value = type == EventType.REMOVED || type == EventType.EXPIRED
        ? (oldValueRequired ? oldValue : null) : copier.copy(event.newValue(), "value");
    CairnEntryEvent<K, V> jcacheEvent = new CairnEntryEvent<>(cache, type, event.key(), value,
        oldValue, oldValueRequired && type != EventType.CREATED);
    try {
      if (filter != null && !filter.evaluate(jcacheEvent)) {
        return;
      }
      List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(jcacheEvent);
      switch (type) {
        case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
        case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
        case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
        case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
      }
    } catch (CacheEntryListenerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheEntryListenerException("Listener " + listener.getClass().getName()
          + " of cache '" + cache.getName() + "' failed on a " + type + " event", e);
    }
  }
}
