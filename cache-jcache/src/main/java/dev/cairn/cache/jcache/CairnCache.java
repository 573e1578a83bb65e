package dev.cairn.cache.jcache;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.TieredCacheBuilder;
import dev.cairn.cache.core.tier.TierOptions;
import dev.cairn.cache.core.tier.TierProvider;
import dev.cairn.cache.core.tier.TierSpec;
import java.io.Closeable;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * A JCache {@link Cache} over Cairn's tiered engine, {@link TieredCache}: a bounded memory tier,
 * and, when configured, a lower tier (such as the persistent disk tier) written behind.
 *
 * <p>Every operation on one key is atomic across the tiers: the engine holds the key's lock for the
 * whole operation, including a {@link CacheWriter} called for it and an {@link EntryProcessor}
 * run on it, so a writer or processor that throws leaves the cache unchanged. Read-through loads
 * happen outside the lock and are stored only if no write came first. With
 * {@link CairnConfiguration#setWriteBehindToWriter write-behind to the writer}, operations queue
 * their change for the writer under the same lock instead of calling it, and the writer gets
 * coalesced batches later.
 *
 * <p>Store-by-value (the JSR-107 default) copies keys and values through Java serialization as
 * they enter and leave the cache, except values of the JDK's immutable types (strings, boxed
 * numbers, {@code java.time} values, enums), which are shared. Store-by-reference skips the copies
 * and is the fast choice when callers do not change what they put or get.
 *
 * <p>{@link #unwrap} gives this class or the engine's {@link TieredCache}, for Cairn's own API:
 * {@code flush()}, warm-up progress, tier statistics.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CairnCache<K, V> implements Cache<K, V> {

  private static final System.Logger LOG = System.getLogger(CairnCache.class.getName());

  private final CairnCacheManager manager;
  private final String name;
  // Changed only by listener registration, under the lock of `listeners`; handed out as copies.
  private final CairnConfiguration<K, V> configuration;
  private final TieredCache<K, V> engine;
  private final Copier copier;
  // The declared key and value types, or null for Object: what checkType enforces.
  private final Class<?> keyType;
  private final Class<?> valueType;
  private final SystemOfRecord<K, V> records;
  private final boolean readThrough;
  private final ExpiryPolicy expiryPolicy;
  private final Executor executor;
  private final TierProvider tierProvider;
  private final TierSpec<K, V> tierSpec;
  private final List<ListenerBridge<K, V>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  CairnCache(CairnCacheManager manager, String name, CairnConfiguration<K, V> configuration,
      Executor executor) {
    this.manager = manager;
    this.name = name;
    this.configuration = configuration;
    this.executor = executor;
    ClassLoader classLoader = manager.getClassLoader();
    this.keyType = declared(configuration.getKeyType());
    this.valueType = declared(configuration.getValueType());
    this.copier = configuration.isStoreByValue() ? Copier.serializing(classLoader)
        : Copier.IDENTITY;
    CacheLoader<K, V> loader = configuration.getCacheLoaderFactory() == null ? null
        : configuration.getCacheLoaderFactory().create();
    this.readThrough = configuration.isReadThrough() && loader != null;
    boolean writes = configuration.isWriteThrough()
        && configuration.getCacheWriterFactory() != null;
    if (configuration.isWriteBehindToWriter() && !writes) {
      throw new IllegalArgumentException("Cache '" + name + "' is set to write behind to its"
          + " writer but has " + (configuration.isWriteThrough() ? "no writer factory"
          : "write-through off") + "; set both, or turn writeBehindToWriter off");
    }
    this.records = new SystemOfRecord<>(name, loader, writes ? writerOf(configuration) : null,
        configuration.isWriteBehindToWriter() ? configuration : null);
    this.expiryPolicy = configuration.getExpiryPolicyFactory() == null ? new EternalExpiryPolicy()
        : configuration.getExpiryPolicyFactory().create();

    TieredCacheBuilder<K, V> builder = TieredCache.<K, V>builder(name)
        .statisticsEnabled(configuration.isStatisticsEnabled())
        .eventExecutor(executor);
    if (configuration.getMaximumWeight() >= 0) {
      builder.maximumWeight(configuration.getMaximumWeight(),
          configuration.getWeigherFactory().create());
    } else {
      builder.maximumSize(configuration.getMaximumEntries());
    }
    if (!(expiryPolicy instanceof EternalExpiryPolicy)) {
      builder.expiry(new JCacheExpiry<>(name, expiryPolicy));
    }
    this.tierProvider = LowerTierChoice.of(name, configuration, classLoader);
    if (tierProvider == null) {
      this.tierSpec = null;
    } else {
      this.tierSpec = new TierSpec<>(name, configuration.getDirectory(),
          configuration.getKeyType(), configuration.getValueType(), classLoader,
          TierOptions.of(name, tierProvider.name(), configuration.getLowerTierOptions()));
      builder.lowerTier(tierProvider.create(tierSpec))
          .segments(configuration.getSegments())
          .flushInterval(configuration.getFlushInterval())
          .flushBatchSize(configuration.getFlushBatchSize())
          .writeBufferCapacity(configuration.getWriteBufferCapacity())
          .backPressure(configuration.getBackPressure(), configuration.getBackPressureTimeout())
          .warmRestart(configuration.isWarmRestart());
    }
    if (configuration.getWarmUpLoaderFactory() != null) {
      builder.warmUpLoader(configuration.getWarmUpLoaderFactory().create())
          .warmUpBatchSize(configuration.getWarmUpBatchSize());
    }
    try {
      this.engine = builder.build();
    } catch (RuntimeException e) {
      records.close();
      throw e;
    }
    for (CacheEntryListenerConfiguration<K, V> listener
        : configuration.getCacheEntryListenerConfigurations()) {
      listeners.add(register(listener));
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    checkOpen();
    checkKey(key);
    V value = readThrough ? engine.get(copier.copy(key, "key"), this::loadOne) : engine.get(key);
    return copier.copy(value, "value");
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    checkOpen();
    checkKeys(keys);
    Map<K, V> found;
    if (readThrough) {
      Set<K> stored = new LinkedHashSet<>();
      for (K key : keys) {
        stored.add(copier.copy(key, "key"));
      }
      found = engine.getAll(stored, this::loadSome);
    } else {
      found = engine.getAll(keys);
    }
    Map<K, V> copies = new HashMap<>(found.size() * 2);
    found.forEach((key, value) -> copies.put(key, copier.copy(value, "value")));
    return copies;
  }

  @Override
  public boolean containsKey(K key) {
    checkOpen();
    return engine.containsKey(checkKey(key));
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues,
      CompletionListener completionListener) {
    checkOpen();
    checkKeys(keys);
    CompletionListener listener = completionListener == null ? NO_LISTENER : completionListener;
    if (!records.hasLoader()) {
      listener.onCompletion();
      return;
    }
    Set<K> requested = new LinkedHashSet<>(keys);
    executor.execute(() -> {
      try {
        Set<K> toLoad = new LinkedHashSet<>();
        for (K key : requested) {
          if (replaceExistingValues || !engine.containsKey(key)) {
            toLoad.add(key);
          }
        }
        if (!toLoad.isEmpty()) {
          Map<K, V> loaded = records.loadAll(toLoad);
          loaded.forEach((key, value) -> {
            if (key != null && value != null) {
              if (replaceExistingValues) {
                engine.put(copier.copy(key, "key"), copier.copy(value, "value"));
              } else {
                storeIfAbsent(key, value);
              }
            }
          });
        }
        listener.onCompletion();
      } catch (Exception e) {
        listener.onException(e);
      }
    });
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    checkOpen();
    K storedKey = copier.copy(checkKey(key), "key");
    V storedValue = copier.copy(checkValue(value, "value"), "value");
    if (!records.hasWriter()) {
      engine.put(storedKey, storedValue);
      return;
    }
    engine.update(storedKey, entry -> {
      records.write(storedKey, storedValue);
      entry.setValue(storedValue);
      return null;
    });
  }

  @Override
  public V getAndPut(K key, V value) {
    checkOpen();
    K storedKey = copier.copy(checkKey(key), "key");
    V storedValue = copier.copy(checkValue(value, "value"), "value");
    if (!records.hasWriter()) {
      return copier.copy(engine.getAndPut(storedKey, storedValue), "value");
    }
    return copier.copy(engine.invoke(storedKey, entry -> {
      V old = entry.getValue();
      records.write(storedKey, storedValue);
      entry.setValue(storedValue);
      return old;
    }), "value");
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    checkOpen();
    Objects.requireNonNull(map, "map");
    Map<K, V> copies = new LinkedHashMap<>(map.size() * 2);
    map.forEach((key, value) -> copies.put(
        copier.copy(checkKey(key), "key"),
        copier.copy(checkValue(value, "value"), "value")));
    if (!records.hasWriter()) {
      engine.putAll(copies);
      return;
    }
    if (records.isBehind()) {
      copies.forEach((key, value) -> engine.update(key, entry -> {
        records.write(key, value);
        entry.setValue(value);
        return null;
      }));
      return;
    }
    SystemOfRecord.Outcome outcome = records.writeAll(map);
    copies.forEach((key, value) -> {
      if (!outcome.failedKeys().contains(key)) {
        engine.put(key, value);
      }
    });
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    checkOpen();
    K storedKey = copier.copy(checkKey(key), "key");
    V storedValue = copier.copy(checkValue(value, "value"), "value");
    if (!records.hasWriter()) {
      return engine.putIfAbsent(storedKey, storedValue);
    }
    return engine.invoke(storedKey, entry -> {
      if (entry.exists()) {
        return false;
      }
      records.write(storedKey, storedValue);
      entry.setValue(storedValue);
      return true;
    });
  }

  @Override
  public boolean remove(K key) {
    checkOpen();
    checkKey(key);
    if (!records.hasWriter()) {
      return engine.remove(key);
    }
    return engine.update(copier.copy(key, "key"), entry -> {
      records.delete(entry.getKey());
      if (entry.exists()) {
        entry.remove();
        return true;
      }
      return false;
    });
  }

  @Override
  public boolean remove(K key, V oldValue) {
    checkOpen();
    checkKey(key);
    checkValue(oldValue, "oldValue");
    if (!records.hasWriter()) {
      return engine.remove(key, oldValue);
    }
    return engine.invoke(copier.copy(key, "key"), entry -> {
      V current = entry.getValue();
      if (current == null || !current.equals(oldValue)) {
        return false;
      }
      records.delete(entry.getKey());
      entry.remove();
      return true;
    });
  }

  @Override
  public V getAndRemove(K key) {
    checkOpen();
    checkKey(key);
    if (!records.hasWriter()) {
      return copier.copy(engine.getAndRemove(key), "value");
    }
    return copier.copy(engine.invoke(copier.copy(key, "key"), entry -> {
      V old = entry.getValue();
      records.delete(entry.getKey());
      if (old != null) {
        entry.remove();
      }
      return old;
    }), "value");
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    checkOpen();
    checkKey(key);
    checkValue(oldValue, "oldValue");
    V storedValue = copier.copy(checkValue(newValue, "newValue"), "value");
    if (!records.hasWriter()) {
      return engine.replace(key, oldValue, storedValue);
    }
    return engine.invoke(copier.copy(key, "key"), entry -> {
      V current = entry.getValue();
      if (current == null || !current.equals(oldValue)) {
        return false;
      }
      records.write(entry.getKey(), storedValue);
      entry.setValue(storedValue);
      return true;
    });
  }

  @Override
  public boolean replace(K key, V value) {
    checkOpen();
    checkKey(key);
    V storedValue = copier.copy(checkValue(value, "value"), "value");
    if (!records.hasWriter()) {
      return engine.replace(key, storedValue);
    }
    return engine.invoke(copier.copy(key, "key"), entry -> {
      if (entry.getValue() == null) {
        return false;
      }
      records.write(entry.getKey(), storedValue);
      entry.setValue(storedValue);
      return true;
    });
  }

  @Override
  public V getAndReplace(K key, V value) {
    checkOpen();
    checkKey(key);
    V storedValue = copier.copy(checkValue(value, "value"), "value");
    if (!records.hasWriter()) {
      return copier.copy(engine.getAndReplace(key, storedValue), "value");
    }
    return copier.copy(engine.invoke(copier.copy(key, "key"), entry -> {
      V old = entry.getValue();
      if (old != null) {
        records.write(entry.getKey(), storedValue);
        entry.setValue(storedValue);
      }
      return old;
    }), "value");
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    checkOpen();
    checkKeys(keys);
    removeKeys(new ArrayList<>(keys));
  }

  @Override
  public void removeAll() {
    checkOpen();
    List<K> keys = new ArrayList<>();
    // keys() also walks removals still waiting in the write buffer; only live keys reach a writer.
    engine.keys().forEachRemaining(key -> {
      if (engine.containsKey(key)) {
        keys.add(key);
      }
    });
    removeKeys(keys);
  }

  private void removeKeys(List<K> keys) {
    if (keys.isEmpty()) {
      return;
    }
    if (!records.hasWriter()) {
      keys.forEach(engine::remove);
      return;
    }
    if (records.isBehind()) {
      keys.forEach(this::removeThroughWriter);
      return;
    }
    SystemOfRecord.Outcome outcome = records.deleteAll(keys);
    for (K key : keys) {
      if (!outcome.failedKeys().contains(key)) {
        engine.remove(key);
      }
    }
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
  }

  /** Deletes a key through the writer (or queues the delete) under the key's lock. */
  private void removeThroughWriter(K key) {
    engine.update(copier.copy(key, "key"), entry -> {
      records.delete(entry.getKey());
      if (entry.exists()) {
        entry.remove();
      }
      return null;
    });
  }

  @Override
  public void clear() {
    checkOpen();
    engine.clear();
  }

  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    checkOpen();
    checkKey(key);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    K storedKey = copier.copy(key, "key");
    return engine.invoke(storedKey, entry -> {
      ProcessorEntry<K, V> processed = new ProcessorEntry<>(entry, records, readThrough, copier);
      T result;
      try {
        result = entryProcessor.process(processed, arguments);
      } catch (EntryProcessorException e) {
        throw e;
      } catch (Exception e) {
        throw new EntryProcessorException("The entry processor "
            + entryProcessor.getClass().getName() + " failed on a key of cache '" + name
            + "'; the entry is unchanged", e);
      }
      processed.apply(records);
      return result;
    });
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    checkOpen();
    checkKeys(keys);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    Map<K, EntryProcessorResult<T>> results = new LinkedHashMap<>();
    for (K key : keys) {
      try {
        T result = invoke(key, entryProcessor, arguments);
        if (result != null) {
          results.put(key, () -> result);
        }
      } catch (RuntimeException e) {
        EntryProcessorException failure = e instanceof EntryProcessorException processorFailure
            ? processorFailure : new EntryProcessorException(e);
        results.put(key, () -> {
          throw failure;
        });
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- listeners

  @Override
  public void registerCacheEntryListener(
      CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (listeners) {
      for (ListenerBridge<K, V> bridge : listeners) {
        if (bridge.configuration().equals(listenerConfiguration)) {
          throw new IllegalArgumentException("This listener configuration is registered with"
              + " cache '" + name + "' already");
        }
      }
      configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
      listeners.add(register(listenerConfiguration));
    }
  }

  @Override
  public void deregisterCacheEntryListener(
      CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    checkOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (listeners) {
      for (ListenerBridge<K, V> bridge : listeners) {
        if (bridge.configuration().equals(listenerConfiguration)) {
          listeners.remove(bridge);
          configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
          bridge.cancel();
          return;
        }
      }
    }
  }

  private ListenerBridge<K, V> register(CacheEntryListenerConfiguration<K, V> listener) {
    ListenerBridge<K, V> bridge = new ListenerBridge<>(this, listener, copier);
    var types = bridge.engineTypes();
    if (!types.isEmpty()) {
      bridge.registered(engine.registerListener(bridge, types, listener.isSynchronous()));
    }
    return bridge;
  }

  // ---------------------------------------------------------------- the rest of Cache

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    checkOpen();
    Iterator<Map.Entry<K, V>> entries = engine.iterator();
    return new Iterator<>() {
      private K last;

      @Override public boolean hasNext() {
        return entries.hasNext();
      }

      @Override public Cache.Entry<K, V> next() {
        Map.Entry<K, V> entry = entries.next();
        last = entry.getKey();
        return new CairnEntry<>(entry.getKey(), copier.copy(entry.getValue(), "value"));
      }

      @Override public void remove() {
        if (last == null) {
          throw new IllegalStateException("next() has not returned an entry to remove");
        }
        if (records.hasWriter()) {
          removeThroughWriter(last);
        } else {
          entries.remove();
        }
        last = null;
      }
    };
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    Objects.requireNonNull(clazz, "clazz");
    if (!clazz.isAssignableFrom(CairnConfiguration.class)) {
      throw new IllegalArgumentException("The configuration of cache '" + name + "' is a "
          + CairnConfiguration.class.getName() + ", not a " + clazz.getName());
    }
    synchronized (listeners) {
      return clazz.cast(new CairnConfiguration<>(configuration));
    }
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  /**
   * Closes the cache: flushes every write to the lower tier (when there is one) and hands the
   * writer what waits for it (with write-behind to the writer), closes the tier, and closes the
   * loader, writer, expiry policy and listeners that are {@link Closeable}. The cache manager
   * forgets the cache; what a persistent tier stored stays for the next cache of that name.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    manager.released(this);
    RuntimeException failure = null;
    try {
      engine.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    listeners.forEach(ListenerBridge::cancel);
    try {
      records.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    SystemOfRecord.closeQuietly(expiryPolicy);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Returns once every write made before the call is where the cache promises to put it: flushed
   * to the lower tier, and, with write-behind to the writer, accepted by the writer. Cairn's own
   * addition to the JCache API.
   *
   * @throws dev.cairn.cache.core.CacheWriteException if the lower tier failed a batch
   * @throws javax.cache.integration.CacheWriterException if the writer failed a batch; in both
   *     cases the changes stay buffered and are retried in the background
   */
  public void flush() {
    checkOpen();
    engine.flush();
    records.flush();
  }

  /** Closes the cache and deletes what its tiers stored; for {@link CacheManager#destroyCache}. */
  void destroy() {
    if (!closed) {
      engine.clear();
      close();
    }
    if (tierProvider != null) {
      tierProvider.destroy(tierSpec);
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /** Unwraps to this class or to the engine's {@link TieredCache}. */
  @Override
  public <T> T unwrap(Class<T> clazz) {
    Objects.requireNonNull(clazz, "clazz");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    if (clazz.isInstance(engine)) {
      return clazz.cast(engine);
    }
    throw new IllegalArgumentException("Cache '" + name + "' unwraps to " + CairnCache.class
        .getName() + " or " + TieredCache.class.getName() + ", not to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "CairnCache[" + name + ", " + engine + "]";
  }

  // ---------------------------------------------------------------- for the manager and MXBeans

  TieredCache<K, V> engine() {
    return engine;
  }

  CairnConfiguration<K, V> liveConfiguration() {
    return configuration;
  }

  void setStatisticsEnabled(boolean enabled) {
    synchronized (listeners) {
      configuration.setStatisticsEnabled(enabled);
    }
    engine.setStatisticsEnabled(enabled);
  }

  void setManagementEnabled(boolean enabled) {
    synchronized (listeners) {
      configuration.setManagementEnabled(enabled);
    }
  }

  // ---------------------------------------------------------------- loaders and writers

  /** Read-through of one key, for the engine's one-load-per-key path: a copy to store. */
  private V loadOne(K key) {
    return copier.copy(records.load(key), "value");
  }

  /** Read-through of the keys no tier holds, in one loadAll; nulls the loader returns are left out. */
  private Map<K, V> loadSome(Set<K> keys) {
    Map<K, V> stored = new LinkedHashMap<>();
    records.loadAll(keys).forEach((key, value) -> {
      if (key != null && value != null) {
        stored.put(key, copier.copy(value, "value"));
      }
    });
    return stored;
  }

  /** Stores a loaded value unless a write got there first; the writer does not see it. */
  private void storeIfAbsent(K key, V loaded) {
    V storedValue = copier.copy(loaded, "value");
    engine.update(copier.copy(key, "key"), entry -> {
      if (!entry.exists()) {
        entry.setValue(storedValue);
      }
      return null;
    });
  }

  private static Class<?> declared(Class<?> type) {
    return type == null || type == Object.class ? null : boxed(type);
  }

  private static Class<?> boxed(Class<?> type) {
    return type.isPrimitive()
        ? java.lang.invoke.MethodType.methodType(type).wrap().returnType() : type;
  }

  // A writer of supertypes takes these keys and values as well; K and V spare wildcard captures.
  @SuppressWarnings("unchecked")
  private static <K, V> CacheWriter<K, V> writerOf(CairnConfiguration<K, V> configuration) {
    return (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
  }

  // ---------------------------------------------------------------- checks

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private void checkKeys(Collection<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      Objects.requireNonNull(key, "keys contains null");
      checkType(key, keyType, "key");
    }
  }

  private K checkKey(K key) {
    Objects.requireNonNull(key, "key");
    return checkType(key, keyType, "key");
  }

  private V checkValue(V value, String what) {
    Objects.requireNonNull(value, what);
    return checkType(value, valueType, "value");
  }

  /**
   * Refuses a key or value of another type than the configuration declares (JSR-107's runtime type
   * checking), naming the cache and both types, before it can fail deep in a serializer.
   */
  private <T> T checkType(T object, Class<?> type, String what) {
    if (type != null && !type.isInstance(object)) {
      throw new ClassCastException("Cache '" + name + "' holds " + what + "s of type "
          + type.getName() + " (its configuration's types), not " + object.getClass().getName());
    }
    return object;
  }

  private static final CompletionListener NO_LISTENER = new CompletionListener() {
    @Override public void onCompletion() {
    }

    @Override public void onException(Exception e) {
      LOG.log(Level.WARNING, "A loadAll without a completion listener failed", e);
    }
  };

  /** Creating a cache can fail in its tier; the manager reports it as JSR-107 says. */
  static CacheException creationFailure(String name, RuntimeException e) {
    return new CacheException("Cache '" + name + "' could not be created: " + e.getMessage(), e);
  }
}
