package dev.cairn.cache.jcache;

import dev.cairn.cache.core.tier.TierProvider;
import java.util.List;

/**
 * Which tier provider a cache's configuration asks for: the one it names, or, for a cache given a
 * data directory but no tier name, the one provider on the class path that keeps files in a
 * directory. Kept in one place so that every way of configuring a cache (code, a configuration
 * file, Spring properties through {@link CairnConfiguration}) follows the same rule.
 */
final class LowerTierChoice {

  private LowerTierChoice() {
  }

  /**
   * Returns the provider of the cache's lower tier, or {@code null} for a memory-only cache.
   *
   * @throws IllegalArgumentException naming the cache if the named tier is not on the class path,
   *     if a directory leaves the choice open (no provider keeps files, or several do), or if the
   *     configuration has options for a lower tier it does not have
   */
  static TierProvider of(String cacheName, CairnConfiguration<?, ?> configuration,
      ClassLoader classLoader) {
    String name = configuration.getLowerTier();
    if (name != null) {
      try {
        return TierProvider.find(name, classLoader);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cache '" + cacheName + "' names its lower tier '"
            + name + "': " + e.getMessage(), e);
      }
    }
    if (configuration.getDirectory() != null) {
      return keepingFiles(cacheName, classLoader);
    }
    if (!configuration.getLowerTierOptions().isEmpty()) {
      throw new IllegalArgumentException("Cache '" + cacheName + "' has options for a lower tier ("
          + configuration.getLowerTierOptions().keySet() + ") but no lower tier: name one with"
          + " setLowerTier, or drop the options");
    }
    return null;
  }

  /** The one provider that keeps files in the directory it is given. */
  private static TierProvider keepingFiles(String cacheName, ClassLoader classLoader) {
    List<TierProvider> all = TierProvider.all(classLoader);
    List<TierProvider> keepingFiles = all.stream().filter(TierProvider::usesDirectory).toList();
    if (keepingFiles.size() == 1) {
      return keepingFiles.get(0);
    }
    List<String> names = all.stream().map(TierProvider::name).toList();
    throw new IllegalArgumentException("Cache '" + cacheName + "' has a directory but names no"
        + " lower tier, and "
        + (keepingFiles.isEmpty() ? "no tier on the class path keeps files in a directory"
            : "several tiers on the class path keep files in one: "
                + keepingFiles.stream().map(TierProvider::name).toList())
        + "; name the tier (setLowerTier, or tier in a configuration file or Spring properties)."
        + (names.isEmpty() ? " No tier providers were found at all: add the module that offers"
            + " the tier" : " The tiers on the class path are " + names));
  }
}
