package dev.cairn.cache.core.tier;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a {@link TierProvider} needs to create a tier for one cache. Only the provider knows what
 * its options mean; the layer above (a configuration file, Spring properties, code) only carries
 * them, with where each was set.
 *
 * @param cacheName the cache's name, for messages
 * @param directory a directory of the cache's own, for a tier that keeps files: the layer above
 *     gives one when the user configured a data directory ({@code <base>/<cache name>} for a base
 *     directory shared by several caches); {@code null} when none was given. A tier that keeps no
 *     files ignores it
 * @param keyType the keys' class, so the tier can pick how to store them ({@code Object.class} if
 *     the cache does not say)
 * @param valueType the values' class, likewise
 * @param classLoader the class loader to resolve stored classes with
 * @param options settings particular to the tier; a tier refuses names it does not know
 * @param <K> the key type
 * @param <V> the value type
 */
public record TierSpec<K, V>(
    String cacheName,
    Path directory,
    Class<K> keyType,
    Class<V> valueType,
    ClassLoader classLoader,
    TierOptions options) {

  /** Checks the fields. */
  public TierSpec {
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(classLoader, "classLoader");
    Objects.requireNonNull(options, "options");
  }
}
