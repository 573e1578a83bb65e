package dev.cairn.cache.jcache;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * Cairn's JSR-107 {@link CachingProvider}, found by {@code Caching.getCachingProvider()} through
 * {@link java.util.ServiceLoader}.
 *
 * <p><b>Configuration files.</b> A cache manager's URI may name a HOCON file, {@code
 * classpath:path/in/jar.conf} or {@code file:/path/to.conf}, that declares caches and their tiers
 * (see {@code docs/configuration.md}); any other URI is just a name. The default URI is the value
 * of the system property {@value #CONFIG_PROPERTY} if set, else {@code classpath:cairn.conf},
 * which may be absent. The default file's {@code cairn.default} section is the provider-wide
 * default: it sets the tiers (a lower tier and its directory, say) of caches created in code from
 * a plain {@code MutableConfiguration}, in every manager whose own file has no default section.
 */
public final class CairnCachingProvider implements CachingProvider {

  /** The system property naming the default configuration file's URI. */
  public static final String CONFIG_PROPERTY = "cairn.jcache.config";

  private static final URI BUILT_IN_DEFAULT = URI.create("classpath:cairn.conf");

  // Weak keys: a class loader that is dropped (a redeployed web app) takes its managers along.
  private final Map<ClassLoader, Map<URI, CairnCacheManager>> managers = new WeakHashMap<>();

  /** Creates the provider; applications get it from {@code Caching.getCachingProvider()}. */
  public CairnCachingProvider() {
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties managerProperties = properties == null ? new Properties() : properties;
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
      CairnCacheManager manager = byUri.get(managerUri);
      if (manager == null || manager.isClosed()) {
        ConfigFile file = configFile(managerUri, loader);
        ConfigFile defaults = file.hasDefaults() ? file : configFile(getDefaultURI(), loader);
        manager = new CairnCacheManager(this, managerUri, loader, managerProperties, file,
            defaults);
        byUri.put(managerUri, manager);
      }
      return manager;
    }
  }

  /** Reads the file a URI names; the built-in default may be missing, any other may not. */
  private static ConfigFile configFile(URI uri, ClassLoader loader) {
    if (!ConfigFile.isFileUri(uri)) {
      return ConfigFile.EMPTY;
    }
    if (uri.equals(BUILT_IN_DEFAULT) && !exists(uri, loader)) {
      return ConfigFile.EMPTY;
    }
    return ConfigFile.read(uri, loader);
  }

  private static boolean exists(URI uri, ClassLoader loader) {
    if ("classpath".equals(uri.getScheme())) {
      String path = uri.getSchemeSpecificPart();
      return loader.getResource(path.startsWith("/") ? path.substring(1) : path) != null;
    }
    return Files.exists(Path.of(uri));
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  /** The value of {@value #CONFIG_PROPERTY}, else {@code classpath:cairn.conf}. */
  @Override
  public URI getDefaultURI() {
    String configured = System.getProperty(CONFIG_PROPERTY);
    if (configured == null || configured.isBlank()) {
      return BUILT_IN_DEFAULT;
    }
    try {
      return URI.create(configured.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The system property " + CONFIG_PROPERTY + " is not a"
          + " URI: '" + configured + "'; give classpath:name.conf or file:/path/name.conf", e);
    }
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public void close() {
    List<CairnCacheManager> open = new ArrayList<>();
    synchronized (managers) {
      managers.values().forEach(byUri -> open.addAll(byUri.values()));
      managers.clear();
    }
    open.forEach(CairnCacheManager::close);
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    List<CairnCacheManager> open;
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.remove(loader);
      open = byUri == null ? List.of() : new ArrayList<>(byUri.values());
    }
    open.forEach(CairnCacheManager::close);
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    CairnCacheManager manager;
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.remove(managerUri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  /** Store-by-reference is supported; it is Cairn's fast path. */
  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    Objects.requireNonNull(optionalFeature, "optionalFeature");
    return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
  }

  /** Called by a manager as it closes, so that the next request opens a new one. */
  void released(CairnCacheManager manager) {
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null) {
        byUri.remove(manager.getURI(), manager);
      }
    }
  }
}
