package dev.cairn.cache.jcache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@code disk} section of a configuration file, read and checked, and how the default section's
 * and a cache block's combine into one cache's disk tier.
 *
 * <p>Kept apart from the other settings because it cannot be applied setting by setting: whether
 * the tier is on, and in which directory, depends on both sections and on the cache's name (the
 * default section's directory is a base, a cache block's is the cache's own).
 *
 * @param node the section, for messages
 * @param enabled {@code enabled} as written, or {@code null}
 * @param directory {@code directory} made absolute, or {@code null}
 * @param maximumEntries {@code maximum-entries}, or {@code null}
 * @param maximumBytes {@code maximum-bytes}, or {@code null}
 * @param options the disk tier's own options set here, by option name
 */
record DiskSection(ConfigNode node, Boolean enabled, Path directory, Long maximumEntries,
    Long maximumBytes, Map<String, String> options) {

  static final List<String> KEYS = List.of("enabled", "directory", "maximum-entries",
      "maximum-bytes", "allowed-classes", "checkpoint-after", "purge-interval");

  /** Reads and checks a disk section. */
  static DiskSection read(ConfigNode node) {
    Map<String, ConfigNode> keys = node.section("a disk section", KEYS);
    Boolean enabled = keys.containsKey("enabled") ? keys.get("enabled").bool() : null;
    Path directory = keys.containsKey("directory") ? directory(keys.get("directory")) : null;
    Long entries = keys.containsKey("maximum-entries")
        ? keys.get("maximum-entries").positiveLong("1000000") : null;
    Long bytes = keys.containsKey("maximum-bytes") ? keys.get("maximum-bytes").positiveBytes()
        : null;
    Map<String, String> options = new LinkedHashMap<>();
    if (keys.containsKey("allowed-classes")) {
      options.put("allowed-classes", allowedClasses(keys.get("allowed-classes")));
    }
    if (keys.containsKey("checkpoint-after")) {
      options.put("checkpoint-after",
          Long.toString(keys.get("checkpoint-after").positiveBytes()));
    }
    if (keys.containsKey("purge-interval")) {
      ConfigNode interval = keys.get("purge-interval");
      if (interval.duration().isNegative()) {
        throw interval.problem("must not be negative; write 0 to turn the purge off, or a"
            + " duration such as 1m");
      }
      options.put("purge-interval", interval.duration().toString());
    }
    return new DiskSection(node, enabled, directory, entries, bytes,
        Collections.unmodifiableMap(options));
  }

  /**
   * Gives a cache its disk tier from the default section's disk section and its own block's, either
   * possibly {@code null}.
   *
   * <p>The tier is on when the cache block's section says so: {@code enabled}, or just being there;
   * failing that when the default section's does. Its directory is the cache block's {@code
   * directory}, or else {@code <the default section's directory>/<the cache's name>}. The bounds
   * and options are the cache block's, falling back to the default section's.
   */
  static void apply(DiskSection defaults, DiskSection cache, String cacheName,
      CairnConfiguration<?, ?> configuration) {
    boolean enabled = isEnabled(cache) != null ? isEnabled(cache)
        : defaults != null && isEnabled(defaults);
    if (!enabled) {
      return;
    }
    Path directory = cache != null && cache.directory != null ? cache.directory
        : defaults != null && defaults.directory != null
            ? defaults.directory.resolve(directoryName(cacheName, defaults)) : null;
    if (directory == null) {
      DiskSection where = cache != null ? cache : defaults;
      throw where.node.problem("the disk tier is on but has no directory; set directory here"
          + (cache != null ? " or a base directory in the default section's disk section" : "")
          + ", or enabled = false for a memory-only cache");
    }
    configuration.setDiskDirectory(directory);
    Long entries = pick(cache, defaults, DiskSection::maximumEntries);
    if (entries != null) {
      configuration.setDiskMaximumEntries(entries);
    }
    Long bytes = pick(cache, defaults, DiskSection::maximumBytes);
    if (bytes != null) {
      configuration.setDiskMaximumBytes(bytes);
    }
    if (defaults != null) {
      defaults.options.forEach(configuration::setDiskOption);
    }
    if (cache != null) {
      cache.options.forEach(configuration::setDiskOption);
    }
  }

  /** Returns whether a section turns the tier on, or {@code null} if there is no section. */
  private static Boolean isEnabled(DiskSection section) {
    if (section == null) {
      return null;
    }
    return section.enabled != null ? section.enabled : Boolean.TRUE;
  }

  private static String directoryName(String cacheName, DiskSection defaults) {
    try {
      return CacheDirectoryName.of(cacheName);
    } catch (IllegalArgumentException e) {
      throw defaults.node.problem("the cache name is empty, so it cannot name a directory under"
          + " this base directory; give the cache a name");
    }
  }

  private static <T> T pick(DiskSection first, DiskSection second,
      Function<DiskSection, T> setting) {
    T value = first != null ? setting.apply(first) : null;
    return value != null ? value : second != null ? setting.apply(second) : null;
  }

  private static Path directory(ConfigNode node) {
    String text = node.text("\"/var/cache/app\"");
    try {
      // Relative to the working directory, once, so that the cache does not depend on it later.
      return Path.of(text).toAbsolutePath();
    } catch (InvalidPathException e) {
      throw node.problem("is not a valid path: " + e.getMessage());
    }
  }

  private static String allowedClasses(ConfigNode node) {
    List<String> patterns = new ArrayList<>();
    for (ConfigNode element : node.elements("a list of class name patterns")) {
      String pattern = element.text("\"com.example.model.*\"");
      if (!pattern.matches("[^,;\\s]+")) {
        throw element.problem("a class name pattern holds no commas, semicolons or spaces; write"
            + " one pattern per element, such as \"com.example.model.*\" or"
            + " \"com.example.Order\"");
      }
      patterns.add(pattern);
    }
    return String.join(",", patterns);
  }
}
