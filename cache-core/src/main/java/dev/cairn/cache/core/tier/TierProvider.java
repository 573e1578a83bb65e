package dev.cairn.cache.core.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Creates lower tiers by name, so that a layer above the engine (the JCache provider, a
 * configuration file) can ask for a {@code "disk"} tier without depending on the module that
 * implements it. Implementations are found with {@link ServiceLoader}: a module that offers a tier
 * lists its provider in {@code META-INF/services/dev.cairn.cache.core.tier.TierProvider}.
 */
public interface TierProvider {

  /** The name configurations use to ask for this tier, such as {@code "disk"}. */
  String name();

  /**
   * Creates a tier for one cache as the spec describes; the engine opens it when the cache is
   * built.
   *
   * @throws IllegalArgumentException if the spec names an option this tier does not know or a
   *     value it cannot use; the message names the option
   */
  <K, V> LowerTier<K, V> create(TierSpec<K, V> spec);

  /**
   * Deletes everything a tier created from this spec stored, for a cache that is being destroyed.
   * The tier must be closed first. The default stores nothing, so deletes nothing.
   */
  default void destroy(TierSpec<?, ?> spec) {
  }

  /**
   * Finds the provider with the given name among those the class loader can see.
   *
   * @throws IllegalArgumentException if there is none; the message lists the names there are
   */
  static TierProvider find(String name, ClassLoader classLoader) {
    Objects.requireNonNull(name, "name");
    List<String> available = new ArrayList<>();
    for (TierProvider provider : ServiceLoader.load(TierProvider.class, classLoader)) {
      if (provider.name().equals(name)) {
        return provider;
      }
      available.add(provider.name());
    }
    throw new IllegalArgumentException("No tier named '" + name + "' is on the class path"
        + (available.isEmpty() ? " (no tier providers were found at all"
            + "; add cache-disk for the disk tier)" : "; the tiers there are " + available));
  }
}
