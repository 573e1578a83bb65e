package dev.cairn.cache.jcache;

import dev.cairn.cache.jcache.ManagementRegistry.Kind;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * Cairn's JCache {@link CacheManager}: one per URI and class loader. When the URI names a
 * configuration file ({@code classpath:} or {@code file:}), the caches it declares are created as
 * the manager opens, and its {@code cairn.default} section sets the tiers of caches created in
 * code from a plain {@link MutableConfiguration}. See {@link CairnCachingProvider}.
 *
 * <p>Asynchronous listeners and {@link Cache#loadAll} run on the manager's own daemon threads,
 * which end when the manager closes.
 */
public final class CairnCacheManager implements CacheManager {

  private static final System.Logger LOG = System.getLogger(CairnCacheManager.class.getName());
  private static final AtomicInteger MANAGERS = new AtomicInteger();

  private final CairnCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final ConfigFile file;
  private final ConfigFile defaults;
  // Guarded by itself: creation, lookup and removal of names are rare next to cache operations.
  private final Map<String, CairnCache<?, ?>> caches = new LinkedHashMap<>();
  private final ExecutorService executor;
  private volatile boolean closed;

  CairnCacheManager(CairnCachingProvider provider, URI uri, ClassLoader classLoader,
      Properties properties, ConfigFile file, ConfigFile defaults) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = properties;
    this.file = file;
    this.defaults = defaults;
    int id = MANAGERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "cairn-jcache-" + id + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      for (String name : file.cacheNames()) {
        CairnConfiguration<Object, Object> declared = file.declaredCache(name);
        if (declared.getDirectory() != null) {
          declared.setDirectory(ownDirectory(declared.getDirectory(), false));
        }
        createCache(name, declared);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  /**
   * Creates a cache. A {@link CairnConfiguration} is used as it is; any other configuration keeps
   * its JSR-107 settings and takes its tiers from the default section of the configuration file
   * (the manager's own, else the provider's default file), or stays memory only.
   *
   * @throws CacheException if a cache of that name exists, or its tier cannot be opened (the
   *     message says why: a locked or foreign directory, say)
   */
  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName,
      C configuration) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    synchronized (caches) {
      if (caches.containsKey(cacheName)) {
        throw new CacheException("A cache named '" + cacheName + "' exists in cache manager "
            + uri + " already; use getCache, or destroyCache first");
      }
      CairnConfiguration<K, V> cairn = toCairn(cacheName, configuration);
      CairnCache<K, V> cache;
      try {
        cache = new CairnCache<>(this, cacheName, cairn, executor);
      } catch (CacheException e) {
        throw e;
      } catch (RuntimeException e) {
        throw CairnCache.creationFailure(cacheName, e);
      }
      caches.put(cacheName, cache);
      if (cairn.isManagementEnabled()) {
        ManagementRegistry.register(cache, Kind.CacheConfiguration);
      }
      if (cairn.isStatisticsEnabled()) {
        ManagementRegistry.register(cache, Kind.CacheStatistics);
      }
      return cache;
    }
  }

  private <K, V> CairnConfiguration<K, V> toCairn(String cacheName,
      Configuration<K, V> configuration) {
    if (configuration instanceof CairnConfiguration<K, V> cairn) {
      return new CairnConfiguration<>(cairn);
    }
    CompleteConfiguration<K, V> complete;
    if (configuration instanceof CompleteConfiguration<K, V> given) {
      complete = given;
    } else {
      complete = new MutableConfiguration<K, V>()
          .setTypes(configuration.getKeyType(), configuration.getValueType())
          .setStoreByValue(configuration.isStoreByValue());
    }
    CairnConfiguration<K, V> cairn = defaults.applyDefaults(cacheName, complete);
    if (cairn.getLowerTier() != null || cairn.getDirectory() != null) {
      if (!cairn.isStoreByValue()) {
        // A by-reference cache promises the very object that was put, which an entry read back
        // from a lower tier cannot keep, and may hold objects that cannot be serialized at all.
        cairn.removeLowerTier();
        LOG.log(Level.INFO, () -> "Cache '" + cacheName + "' of cache manager " + uri
            + " stores by reference, so the default lower tier does not apply to it; it is"
            + " memory only");
      } else if (cairn.getDirectory() != null) {
        cairn.setDirectory(ownDirectory(cairn.getDirectory(), defaults != file));
      }
    }
    return cairn;
  }

  /**
   * Gives this manager's caches directories of their own when another manager may use the same
   * file: a manager of a class loader other than the provider's default gets a subdirectory named
   * after the loader, and, for caches that take the provider-wide default, a manager of another URI
   * a subdirectory named after its URI. Otherwise two managers' caches of one name would ask for
   * the same locked directory.
   */
  private Path ownDirectory(Path cacheDirectory, boolean providerDefault) {
    List<String> qualifiers = new ArrayList<>(2);
    if (providerDefault && !uri.equals(provider.getDefaultURI())) {
      qualifiers.add(CacheDirectoryName.of(uri.toString()));
    }
    if (classLoader != provider.getDefaultClassLoader()) {
      String loaderName = classLoader.getName();
      // An unnamed loader has no name that outlives the process: its caches start empty.
      qualifiers.add("loader-" + CacheDirectoryName.of(loaderName != null ? loaderName
          : Integer.toHexString(System.identityHashCode(classLoader))));
    }
    if (qualifiers.isEmpty()) {
      return cacheDirectory;
    }
    Path qualified = cacheDirectory.getParent();
    for (String qualifier : qualifiers) {
      qualified = qualified.resolve(qualifier);
    }
    return qualified.resolve(cacheDirectory.getFileName());
  }

  /**
   * Returns the cache, or {@code null} if there is none of that name.
   *
   * @throws ClassCastException if the cache was configured with other key or value types
   */
  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    CairnCache<?, ?> cache = lookup(cacheName);
    if (cache == null) {
      return null;
    }
    CairnConfiguration<?, ?> configuration = cache.liveConfiguration();
    if (configuration.getKeyType() != keyType || configuration.getValueType() != valueType) {
      throw new ClassCastException("Cache '" + cacheName + "' holds "
          + configuration.getKeyType().getName() + " keys and "
          + configuration.getValueType().getName() + " values, not "
          + keyType.getName() + " and " + valueType.getName());
    }
    return (Cache<K, V>) cache;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) lookup(cacheName);
  }

  private CairnCache<?, ?> lookup(String cacheName) {
    synchronized (caches) {
      return caches.get(cacheName);
    }
  }

  @Override
  public Iterable<String> getCacheNames() {
    checkOpen();
    synchronized (caches) {
      return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }
  }

  /**
   * Closes the cache and deletes its entries, in its lower tier too: a cache created again under
   * the name starts empty.
   */
  @Override
  public void destroyCache(String cacheName) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CairnCache<?, ?> cache;
    synchronized (caches) {
      cache = caches.remove(cacheName);
    }
    if (cache != null) {
      cache.destroy();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CairnCache<?, ?> cache = lookup(cacheName);
    if (cache == null) {
      return;
    }
    cache.setManagementEnabled(enabled);
    if (enabled) {
      ManagementRegistry.register(cache, Kind.CacheConfiguration);
    } else {
      ManagementRegistry.unregister(cache, Kind.CacheConfiguration);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CairnCache<?, ?> cache = lookup(cacheName);
    if (cache == null) {
      return;
    }
    cache.setStatisticsEnabled(enabled);
    if (enabled) {
      ManagementRegistry.register(cache, Kind.CacheStatistics);
    } else {
      ManagementRegistry.unregister(cache, Kind.CacheStatistics);
    }
  }

  /**
   * Closes every cache (each flushes to its lower tier first) and stops the manager's threads. The
   * provider then hands out a new manager for this URI and class loader.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    provider.released(this);
    List<CairnCache<?, ?>> open;
    synchronized (caches) {
      open = new ArrayList<>(caches.values());
    }
    RuntimeException failure = null;
    for (CairnCache<?, ?> cache : open) {
      try {
        cache.close();
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, () -> "Closing cache '" + cache.getName() + "' of cache manager "
            + uri + " failed", e);
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    executor.shutdown();
    if (failure != null) {
      throw new CacheException("Closing cache manager " + uri + " failed for some caches",
          failure);
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    Objects.requireNonNull(clazz, "clazz");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A Cairn cache manager unwraps to "
        + CairnCacheManager.class.getName() + " only, not to " + clazz.getName());
  }

  @Override
  public String toString() {
    return "CairnCacheManager[" + uri + "]";
  }

  /** Called by a cache as it closes: it is no longer this manager's, and leaves JMX. */
  void released(CairnCache<?, ?> cache) {
    synchronized (caches) {
      caches.remove(cache.getName(), cache);
    }
    ManagementRegistry.unregister(cache, Kind.CacheConfiguration);
    ManagementRegistry.unregister(cache, Kind.CacheStatistics);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Cache manager " + uri + " is closed");
    }
  }
}
