package dev.cairn.cache.jcache;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import dev.cairn.cache.core.tier.TierProvider;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;

/**
 * A Cairn configuration file: caches declared in HOCON, and defaults for every cache. The format
 * is described in {@code docs/configuration.md}.
 *
 * <pre>
 * cairn {
 *   default { memory { maximum-entries = 10000 }, disk { directory = ${java.io.tmpdir}/cairn } }
 *   caches { users { expiry { policy = accessed, duration = 10m } } }
 * }
 * </pre>
 *
 * <p>{@link #read} checks the whole file at once: every key, value and class, and every declared
 * cache as the default section and its block combine. It either returns a file that can give every
 * configuration it promises or throws; there is no half-read file. After that, nothing here
 * throws for a reason inside the file, and a {@code ConfigFile} is immutable, so one instance
 * can be shared by threads.
 *
 * <p>Classes named in the file are checked with the class loader given to {@code read}; loaders,
 * writers, listeners, filters, weighers and warm-up loaders are then held as
 * {@link javax.cache.configuration.FactoryBuilder#factoryOf(String) factories by class name}, so
 * configurations stay serializable. Those factories load the class with the thread's context class
 * loader when they create an instance.
 */
final class ConfigFile {

  /** No caches, no defaults: caches created in code keep Cairn's built-in tier settings. */
  static final ConfigFile EMPTY = new ConfigFile(null, null, Map.of());

  /** How a tier's messages about the default section's options name the cache: none yet. */
  private static final String DEFAULT_SECTION = "(default section)";

  private final URI source;
  private final CacheSection defaults;
  private final Map<String, CacheSection> caches;

  private ConfigFile(URI source, CacheSection defaults, Map<String, CacheSection> caches) {
    this.source = source;
    this.defaults = defaults;
    this.caches = caches;
  }

  /** Returns whether the URI names a file this class reads: {@code classpath:} or {@code file:}. */
  static boolean isFileUri(URI uri) {
    String scheme = uri == null ? null : uri.getScheme();
    return "classpath".equalsIgnoreCase(scheme) || "file".equalsIgnoreCase(scheme);
  }

  /**
   * Reads and checks a configuration file: {@code classpath:path/in/jar.conf} (the first resource
   * of that name the class loader finds) or {@code file:/absolute/path.conf}.
   *
   * @param classLoader finds the resource and every class the file names; {@code null} for the
   *     thread's context class loader
   * @throws CacheException for any problem: a missing file, HOCON syntax, an unknown key, a wrong
   *     value or class. The message names the file, the line and the key.
   */
  static ConfigFile read(URI uri, ClassLoader classLoader) {
    if (uri == null) {
      throw new CacheException("no configuration file given: the URI is null");
    }
    ClassLoader loader = classLoader != null ? classLoader : defaultClassLoader();
    String file = uri.toString();
    Config unresolved = parse(uri, file, loader);
    Config resolved = resolve(file, unresolved);
    ConfigNode cairn = ConfigNode.root(file, resolved.root(), unresolved.root()).child("cairn");
    if (cairn == null) {
      throw ConfigNode.fileProblem(file, "has no cairn section; a Cairn configuration file"
          + " holds cairn { default { ... }, caches { <name> { ... } } }");
    }
    Map<String, ConfigNode> sections = cairn.section("the cairn section",
        List.of("default", "caches"));
    Map<String, TierProvider> tiers = new LinkedHashMap<>();
    for (TierProvider tier : TierProvider.all(loader)) {
      tiers.putIfAbsent(tier.name(), tier);
    }
    CacheSection defaults = sections.containsKey("default")
        ? CacheSection.read(sections.get("default"), loader, tiers) : null;
    Map<String, CacheSection> caches = new LinkedHashMap<>();
    if (sections.containsKey("caches")) {
      for (ConfigNode block : sections.get("caches").namedChildren("caches by name")) {
        if (block.key().isEmpty()) {
          throw block.problem("a cache needs a name that is not empty");
        }
        caches.put(block.key(), CacheSection.read(block, loader, tiers));
      }
    }
    // The checks that need two sections (a weigher over the default section's weight, a tier
    // without a directory, the tiers' own checks of their options) run as sections are applied:
    // apply them all now, so that such a mistake fails the read and not the creation of a cache
    // later. The default section alone is what a cache created in code gets.
    if (defaults != null) {
      CairnConfiguration<Object, Object> probe = new CairnConfiguration<>();
      defaults.applyTiers(probe);
      LowerTierSettings.apply(defaults.lowerTier(), null, DEFAULT_SECTION, probe);
    }
    caches.forEach((name, cache) -> compose(defaults, cache, name));
    return new ConfigFile(uri, defaults, Collections.unmodifiableMap(caches));
  }

  /** Returns the file read, or {@code null} for {@link #EMPTY}. */
  URI source() {
    return source;
  }

  /** Returns whether the file has a {@code cairn.default} section. */
  boolean hasDefaults() {
    return defaults != null;
  }

  /** Returns the names of the declared caches, in the order of the file. */
  Set<String> cacheNames() {
    return caches.keySet();
  }

  /**
   * Returns the configuration of a declared cache: its block over the default section over
   * {@link CairnConfiguration}'s built-in defaults. Each call returns a new configuration, which
   * the caller may change.
   *
   * @throws IllegalArgumentException if the file declares no such cache
   */
  <K, V> CairnConfiguration<K, V> declaredCache(String name) {
    CacheSection cache = caches.get(Objects.requireNonNull(name, "name"));
    if (cache == null) {
      throw new IllegalArgumentException("no cache '" + name + "' declared in " + source
          + "; it declares " + caches.keySet());
    }
    return compose(defaults, cache, name);
  }

  /**
   * Returns the configuration of a cache created in code: a copy of {@code configuration}, whose
   * JSR-107 settings all stay as given, with the tier settings (memory, lower tier, write-behind,
   * warm-up) of the file's default section. The default section's JSR-107 settings (types,
   * expiry, listeners, ...) apply to declared caches only: a configuration written in code says
   * what it means for those. A {@link CairnConfiguration} is copied as it is, since it already
   * says what its tiers are.
   */
  <K, V> CairnConfiguration<K, V> applyDefaults(String cacheName,
      CompleteConfiguration<K, V> configuration) {
    Objects.requireNonNull(cacheName, "cacheName");
    CairnConfiguration<K, V> copy = new CairnConfiguration<>(
        Objects.requireNonNull(configuration, "configuration"));
    if (configuration instanceof CairnConfiguration || defaults == null) {
      return copy;
    }
    defaults.applyTiers(copy);
    LowerTierSettings.apply(defaults.lowerTier(), null, cacheName, copy);
    if (!CacheSection.hasWriter(copy)) {
      copy.setWriteBehindToWriter(false);
    }
    return copy;
  }

  @Override
  public String toString() {
    return "ConfigFile[" + source + ", caches " + caches.keySet() + "]";
  }

  private static <K, V> CairnConfiguration<K, V> compose(CacheSection defaults,
      CacheSection cache, String name) {
    CairnConfiguration<K, V> configuration = new CairnConfiguration<>();
    if (defaults != null) {
      defaults.applyJCache(configuration);
      defaults.applyTiers(configuration);
    }
    cache.applyJCache(configuration);
    cache.applyTiers(configuration);
    LowerTierSettings.apply(defaults == null ? null : defaults.lowerTier(), cache.lowerTier(),
        name, configuration);
    cache.checkWriter(configuration);
    return configuration;
  }

  private static Config parse(URI uri, String file, ClassLoader loader) {
    ConfigParseOptions options = ConfigParseOptions.defaults()
        .setAllowMissing(false)
        .setClassLoader(loader)
        .setOriginDescription(file);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    try {
      switch (scheme) {
        case "classpath" -> {
          String resource = uri.getSchemeSpecificPart().replaceFirst("^/+", "");
          if (resource.isEmpty()) {
            throw ConfigNode.fileProblem(file, "names no resource; write"
                + " classpath:path/in/the/jar.conf");
          }
          URL url = loader.getResource(resource);
          if (url == null) {
            throw ConfigNode.fileProblem(file, "no such resource: the class loader "
                + (loader.getName() != null ? "'" + loader.getName() + "'" : loader.toString())
                + " finds no " + resource + " on the class path");
          }
          return ConfigFactory.parseURL(url, options);
        }
        case "file" -> {
          Path path = filePath(uri, file);
          if (!Files.exists(path)) {
            throw ConfigNode.fileProblem(file, "no such file: " + path);
          }
          if (!Files.isRegularFile(path)) {
            throw ConfigNode.fileProblem(file, "is not a file: " + path);
          }
          return ConfigFactory.parseFile(path.toFile(), options);
        }
        default -> throw ConfigNode.fileProblem(file, "is not a configuration file URI; Cairn"
            + " reads classpath:path/in/the/jar.conf and file:/absolute/path.conf");
      }
    } catch (ConfigException e) {
      throw hoconProblem(file, e instanceof ConfigException.Parse ? "is not valid HOCON"
          : "cannot be read", e);
    }
  }

  private static Path filePath(URI uri, String file) {
    try {
      return Path.of(uri);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw ConfigNode.fileProblem(file, "is not an absolute file URI (" + e.getMessage()
          + "); write file:/absolute/path.conf");
    }
  }

  /**
   * Resolves {@code ${...}} substitutions against the file itself, then the system properties,
   * then (HOCON's own fallback) the environment. Only the file's keys end up in the result: system
   * properties such as {@code cairn.jcache.config} are looked up, never merged into the
   * {@code cairn} section, where they would be unknown keys. No application.conf or
   * reference.conf is read.
   */
  private static Config resolve(String file, Config unresolved) {
    Properties properties = new Properties();
    // A copy, because another thread may set a property meanwhile.
    properties.putAll(System.getProperties());
    Config systemProperties = ConfigFactory.parseProperties(properties,
        ConfigParseOptions.defaults().setOriginDescription("system properties"));
    try {
      return unresolved.resolveWith(unresolved.withFallback(systemProperties),
          ConfigResolveOptions.defaults());
    } catch (ConfigException e) {
      throw hoconProblem(file, "has a substitution that cannot be resolved", e);
    }
  }

  /** Keeps HOCON's own message, which names the line too, after ours. */
  private static CacheException hoconProblem(String file, String what, ConfigException e) {
    ConfigOrigin origin = e.origin();
    int line = origin == null ? -1 : origin.lineNumber();
    return new CacheException(file + (line >= 0 ? ", line " + line : "") + ": " + what + ": "
        + e.getMessage(), e);
  }

  private static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ConfigFile.class.getClassLoader();
  }
}
