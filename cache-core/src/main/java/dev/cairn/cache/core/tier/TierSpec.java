package dev.cairn.cache.core.tier;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link TierProvider} needs to create a tier for one cache.
 *
 * @param cacheName the cache's name, for messages
 * @param directory where a persistent tier keeps its files; {@code null} for a tier that has none
 * @param keyType the keys' class, so the tier can pick how to store them ({@code Object.class} if
 *     the cache does not say)
 * @param valueType the values' class, likewise
 * @param classLoader the class loader to resolve stored classes with
 * @param maximumEntries the tier's own bound on entries, or -1 for none
 * @param maximumBytes the tier's own bound on bytes, or -1 for none
 * @param options settings particular to the tier, by name; a tier refuses names it does not know
 * @param <K> the key type
 * @param <V> the value type
 */
public record TierSpec<K, V>(
    String cacheName,
    Path directory,
    Class<K> keyType,
    Class<V> valueType,
    ClassLoader classLoader,
    long maximumEntries,
    long maximumBytes,
    Map<String, String> options) {

  /** Checks the fields and copies the options. */
  public TierSpec {
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(classLoader, "classLoader");
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
    if (maximumEntries < -1 || maximumEntries == 0) {
      throw new IllegalArgumentException("maximumEntries of cache '" + cacheName
          + "' must be positive or -1 for none, was " + maximumEntries);
    }
    if (maximumBytes < -1 || maximumBytes == 0) {
      throw new IllegalArgumentException("maximumBytes of cache '" + cacheName
          + "' must be positive or -1 for none, was " + maximumBytes);
    }
  }
}
