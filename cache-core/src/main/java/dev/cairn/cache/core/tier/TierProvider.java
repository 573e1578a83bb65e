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
   * Checks a cache's options for this tier without creating anything, so that a configuration is
   * refused when it is read, not when the cache is first used.
   *
   * @throws IllegalArgumentException if an option is unknown (naming the nearest known one) or has
   *     a value the tier cannot use; the message names the option and where it was set
   */
  void validate(TierOptions options);

  /**
   * Returns whether this tier keeps files in the {@link TierSpec#directory() directory} it is
   * given. A layer above that was given a data directory but no tier name uses the one provider on
   * the class path that says so. The default is {@code false}.
   */
  default boolean usesDirectory() {
    return false;
  }

  /**
   * Creates a tier for one cache as the spec describes, after checking its options as
   * {@link #validate} does; the engine opens it when the cache is built.
   *
   * @throws IllegalArgumentException if the spec names an option this tier does not know or a
   *     value it cannot use, or lacks something the tier needs; the message names the option
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
    for (TierProvider provider : all(classLoader)) {
      if (provider.name().equals(name)) {
        return provider;
      }
      available.add(provider.name());
    }
    String nearest = TierOptions.nearest(name, available);
    throw new IllegalArgumentException("No tier named '" + name + "' is on the class path"
        + (available.isEmpty() ? " (no tier providers were found at all: add the module that"
            + " offers the tier, such as cache-disk)"
            : (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                + " The tiers there are " + available));
  }

  /** Returns every provider the class loader can see, in class path order. */
  static List<TierProvider> all(ClassLoader classLoader) {
    List<TierProvider> providers = new ArrayList<>();
    ServiceLoader.load(TierProvider.class, classLoader).forEach(providers::add);
    return providers;
  }
}
