package dev.cairn.cache.jcache;

import dev.cairn.cache.core.MapLowerTier;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierOptions;
import dev.cairn.cache.core.tier.TierProvider;
import dev.cairn.cache.core.tier.TierSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A second tier, for tests: the engine's {@link MapLowerTier} (in memory, no files) offered by the
 * name {@code "map"}, registered in this module's test resources only. The configuration layers
 * (configuration files here, Spring properties in cache-spring) configure it through the same
 * sections and keys as the disk tier, which shows that a tier needs no change in them.
 *
 * <p>Options: {@code label} (any text that is not blank), {@code expected-size} (a whole number of
 * at least 1) and {@code pool.size} (the same, written as a nested section). They change nothing;
 * the provider remembers the spec of each tier it creates, by cache name, for tests to look at.
 */
public final class MapTierProvider implements TierProvider {

  /** The provider's name. */
  public static final String NAME = "map";

  private static final List<String> OPTIONS = List.of("label", "expected-size", "pool.size");
  private static final Map<String, Created> CREATED = new ConcurrentHashMap<>();

  /** What the provider created for a cache. */
  public record Created(TierSpec<?, ?> spec, LowerTier<?, ?> tier) {
  }

  /** Called by {@link java.util.ServiceLoader}. */
  public MapTierProvider() {
  }

  /** Returns what the provider last created for the cache, or {@code null}. */
  public static Created created(String cacheName) {
    return CREATED.get(cacheName);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(TierOptions options) {
    options.requireOnly(OPTIONS);
    String label = options.get("label");
    if (label != null && label.isBlank()) {
      throw options.badValue("label", "a text that is not blank", null);
    }
    options.positive("expected-size", 1);
    options.positive("pool.size", 1);
  }

  @Override
  public <K, V> LowerTier<K, V> create(TierSpec<K, V> spec) {
    validate(spec.options());
    MapLowerTier<K, V> tier = new MapLowerTier<>();
    CREATED.put(spec.cacheName(), new Created(spec, tier));
    return tier;
  }
}
