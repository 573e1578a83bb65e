package dev.cairn.cache.jcache;

import dev.cairn.cache.core.BackPressure;
import dev.cairn.cache.core.WarmUpLoader;
import dev.cairn.cache.core.Weigher;
import dev.cairn.cache.core.tier.TierProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * One section of a configuration file, {@code cairn.default} or a cache block, read and checked
 * into the changes it makes to a configuration: the JSR-107 settings, the tier settings (memory,
 * write-behind, warm-up) and the lower tier ({@link LowerTierSettings}: {@code tier} and the
 * sections named after the tiers on the class path).
 *
 * <p>Held as changes rather than values so that sections stack: a cache's configuration is
 * Cairn's built-in defaults, then the default section's changes, then its block's; a setting a
 * section does not mention stays as the section below left it. Every value and class is checked
 * when the section is read; the few checks that need both sections (a {@code weigher} over the
 * default section's {@code maximum-weight}) run when the changes are applied, which
 * {@link ConfigFile#read} does once for every cache, so they too fail the read.
 */
final class CacheSection {

  static final List<String> KEYS = List.of("key-type", "value-type", "store-by-value",
      "statistics", "management", "read-through", "write-through", "loader", "writer", "expiry",
      "listeners", "memory", LowerTierSettings.TIER, "write-behind", "warm-up");
  static final List<String> EXPIRY_KEYS = List.of("policy", "duration", "factory");
  static final List<String> POLICIES = List.of("eternal", "created", "accessed", "modified",
      "touched");
  static final List<String> LISTENER_KEYS = List.of("class", "filter", "old-value",
      "synchronous");
  static final List<String> MEMORY_KEYS = List.of("maximum-entries", "maximum-weight", "weigher");
  static final List<String> WRITE_BEHIND_KEYS = List.of("segments", "flush-interval",
      "batch-size", "buffer-capacity", "back-pressure", "back-pressure-timeout", "to-writer");
  static final List<String> BACK_PRESSURES = List.of("block", "write-through");
  static final List<String> WARM_UP_KEYS = List.of("restart", "loader", "batch-size");

  /** A change to a configuration; raw types because a file's caches have no static types. */
  private interface Setting extends Consumer<CairnConfiguration<Object, Object>> {
  }

  private final ClassLoader classLoader;
  private final List<Setting> jcache = new ArrayList<>();
  private final List<Setting> tiers = new ArrayList<>();
  private LowerTierSettings lowerTier;
  private ConfigNode toWriter;

  private CacheSection(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /**
   * Reads and checks a section; throws a {@link javax.cache.CacheException} naming the line.
   *
   * @param tiers the tier providers on the class path, by name: a section may have a section
   *     named after each
   */
  static CacheSection read(ConfigNode node, ClassLoader classLoader,
      Map<String, TierProvider> tiers) {
    CacheSection section = new CacheSection(classLoader);
    List<String> known = new ArrayList<>(KEYS);
    for (String tier : tiers.keySet()) {
      if (!known.contains(tier)) {
        known.add(tier);
      }
    }
    Map<String, ConfigNode> keys = node.section("a cache section", known);
    Map<String, ConfigNode> tierSections = new LinkedHashMap<>();
    keys.forEach((key, child) -> {
      if (!KEYS.contains(key)) {
        tierSections.put(key, child);
      }
    });
    section.readAll(keys);
    section.lowerTier = LowerTierSettings.read(keys.get(LowerTierSettings.TIER), tierSections,
        tiers);
    return section;
  }

  /** Applies the JSR-107 settings: types, flags, loader, writer, expiry, listeners. */
  void applyJCache(CairnConfiguration<?, ?> configuration) {
    apply(jcache, configuration);
  }

  /** Applies the memory, write-behind and warm-up settings (not the lower tier). */
  void applyTiers(CairnConfiguration<?, ?> configuration) {
    apply(tiers, configuration);
  }

  /**
   * Checks what a declared cache ended with: {@code write-behind.to-writer} needs a writer called
   * through. Set in this section without one it is a mistake, reported at its line; inherited from
   * the default section it applies only to the caches that have a writer.
   */
  void checkWriter(CairnConfiguration<?, ?> configuration) {
    if (configuration.isWriteBehindToWriter() && !hasWriter(configuration)) {
      if (toWriter != null) {
        throw toWriter.problem("writing behind to the writer needs one: set write-through = true"
            + " and a writer in this cache's section or the default section");
      }
      configuration.setWriteBehindToWriter(false);
    }
  }

  static boolean hasWriter(CairnConfiguration<?, ?> configuration) {
    return configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null;
  }

  /** Returns the lower-tier settings: {@code tier} and the tiers' sections. */
  LowerTierSettings lowerTier() {
    return lowerTier;
  }

  @SuppressWarnings("unchecked")
  private static void apply(List<Setting> settings, CairnConfiguration<?, ?> configuration) {
    for (Setting setting : settings) {
      setting.accept((CairnConfiguration<Object, Object>) configuration);
    }
  }

  private void readAll(Map<String, ConfigNode> keys) {
    keys.forEach((key, node) -> {
      switch (key) {
        case "key-type" -> {
          Class<Object> type = type(node);
          jcache.add(c -> c.setTypes(type, c.getValueType()));
        }
        case "value-type" -> {
          Class<Object> type = type(node);
          jcache.add(c -> c.setTypes(c.getKeyType(), type));
        }
        case "store-by-value" -> flag(node, (c, on) -> c.setStoreByValue(on));
        case "statistics" -> flag(node, (c, on) -> c.setStatisticsEnabled(on));
        case "management" -> flag(node, (c, on) -> c.setManagementEnabled(on));
        case "read-through" -> flag(node, (c, on) -> c.setReadThrough(on));
        case "write-through" -> flag(node, (c, on) -> c.setWriteThrough(on));
        case "loader" -> {
          Factory<CacheLoader<Object, Object>> loader = node.isNull() ? null
              : DeclaredClass.factory(node, CacheLoader.class, "a loader", classLoader);
          jcache.add(c -> c.setCacheLoaderFactory(loader));
        }
        case "writer" -> {
          Factory<CacheWriter<Object, Object>> writer = node.isNull() ? null
              : DeclaredClass.factory(node, CacheWriter.class, "a writer", classLoader);
          jcache.add(c -> c.setCacheWriterFactory(writer));
        }
        case "expiry" -> {
          Factory<ExpiryPolicy> expiry = expiry(node);
          jcache.add(c -> c.setExpiryPolicyFactory(expiry));
        }
        case "listeners" -> listeners(node);
        case "memory" -> memory(node);
        case LowerTierSettings.TIER -> {
          // read with the tiers' sections, by LowerTierSettings
        }
        case "write-behind" -> writeBehind(node);
        case "warm-up" -> warmUp(node);
        default -> {
          // a section named after a tier, read by LowerTierSettings
        }
      }
    });
  }

  @SuppressWarnings("unchecked")
  private Class<Object> type(ConfigNode node) {
    return (Class<Object>) DeclaredClass.type(node, classLoader);
  }

  private void flag(ConfigNode node,
      BiConsumer<CairnConfiguration<Object, Object>, Boolean> setter) {
    boolean on = node.bool();
    jcache.add(c -> setter.accept(c, on));
  }

  private Factory<ExpiryPolicy> expiry(ConfigNode node) {
    Map<String, ConfigNode> keys = node.section("an expiry section", EXPIRY_KEYS);
    ConfigNode policy = keys.get("policy");
    ConfigNode duration = keys.get("duration");
    ConfigNode factory = keys.get("factory");
    if (factory != null) {
      if (policy != null || duration != null) {
        throw (policy != null ? policy : duration).problem("an expiry section has either a"
            + " factory or a policy (with a duration), not both; remove one");
      }
      return DeclaredClass.factoryInstance(factory, ExpiryPolicy.class, "an expiry factory",
          classLoader);
    }
    if (policy == null) {
      throw node.problem("an expiry section needs a policy (" + String.join(", ", POLICIES)
          + ") or a factory (the class name of a Factory<ExpiryPolicy>)");
    }
    String name = policy.text("accessed");
    if (!POLICIES.contains(name)) {
      throw policy.problem("unknown expiry policy '" + name + "'; the policies are "
          + String.join(", ", POLICIES));
    }
    if (name.equals("eternal")) {
      if (duration != null) {
        throw duration.problem("an eternal policy takes no duration; remove it, or pick another"
            + " policy");
      }
      return EternalExpiryPolicy.factoryOf();
    }
    if (duration == null) {
      throw policy.problem("the " + name + " policy needs a duration, such as duration = 10m");
    }
    long millis = duration.positiveDuration().toMillis();
    if (millis < 1) {
      throw duration.problem("must be at least 1ms; JSR-107 expiry counts whole milliseconds");
    }
    Duration jcacheDuration = new Duration(TimeUnit.MILLISECONDS, millis);
    return switch (name) {
      case "created" -> CreatedExpiryPolicy.factoryOf(jcacheDuration);
      case "accessed" -> AccessedExpiryPolicy.factoryOf(jcacheDuration);
      case "modified" -> ModifiedExpiryPolicy.factoryOf(jcacheDuration);
      default -> TouchedExpiryPolicy.factoryOf(jcacheDuration);
    };
  }

  /** A listener as declared; made into a fresh, mutable JSR-107 configuration on each use. */
  private record Listener(Factory<CacheEntryListener<Object, Object>> listener,
      Factory<CacheEntryEventFilter<Object, Object>> filter, boolean oldValue,
      boolean synchronous) {

    CacheEntryListenerConfiguration<Object, Object> configuration() {
      return new MutableCacheEntryListenerConfiguration<>(listener, filter, oldValue, synchronous);
    }
  }

  private void listeners(ConfigNode node) {
    List<Listener> listeners = new ArrayList<>();
    for (ConfigNode element : node.elements("a list of listeners { class = ... }")) {
      Map<String, ConfigNode> keys = element.section("a listener", LISTENER_KEYS);
      if (!keys.containsKey("class")) {
        throw element.problem("a listener needs a class (of a CacheEntryListener), such as"
            + " { class = \"com.example.UserListener\" }");
      }
      Listener listener = new Listener(
          DeclaredClass.factory(keys.get("class"), CacheEntryListener.class, "a listener",
              classLoader),
          keys.containsKey("filter") ? DeclaredClass.factory(keys.get("filter"),
              CacheEntryEventFilter.class, "a listener's filter", classLoader) : null,
          keys.containsKey("old-value") && keys.get("old-value").bool(),
          keys.containsKey("synchronous") && keys.get("synchronous").bool());
      if (listeners.contains(listener)) {
        throw element.problem("the same listener is declared twice; JSR-107 registers a listener"
            + " configuration once");
      }
      listeners.add(listener);
    }
    // A section's list replaces the list of the section below, as HOCON lists do.
    jcache.add(c -> {
      for (CacheEntryListenerConfiguration<Object, Object> old
          : List.copyOf(toList(c.getCacheEntryListenerConfigurations()))) {
        c.removeCacheEntryListenerConfiguration(old);
      }
      for (Listener listener : listeners) {
        c.addCacheEntryListenerConfiguration(listener.configuration());
      }
    });
  }

  private static <T> List<T> toList(Iterable<T> iterable) {
    List<T> list = new ArrayList<>();
    iterable.forEach(list::add);
    return list;
  }

  private void memory(ConfigNode node) {
    Map<String, ConfigNode> keys = node.section("a memory section", MEMORY_KEYS);
    ConfigNode entries = keys.get("maximum-entries");
    ConfigNode weight = keys.get("maximum-weight");
    ConfigNode weigher = keys.get("weigher");
    if (entries != null && weight != null) {
      ConfigNode later = entries.line() > weight.line() ? entries : weight;
      throw later.problem("maximum-entries and maximum-weight are both set; the memory tier is"
          + " bounded by one of them: keep maximum-entries, or maximum-weight with a weigher");
    }
    if (entries != null && weigher != null) {
      throw weigher.problem("a weigher needs maximum-weight, but this section bounds memory by"
          + " maximum-entries; drop the weigher, or replace maximum-entries by maximum-weight");
    }
    if (entries != null) {
      long maximum = entries.positiveLong("10000");
      tiers.add(c -> c.setMaximumEntries(maximum));
    }
    if (weight == null && weigher == null) {
      return;
    }
    long maximumWeight = weight != null ? weight.positiveLong("1000000") : -1;
    Factory<Weigher<Object, Object>> weigherFactory = weigher != null
        ? DeclaredClass.factory(weigher, Weigher.class, "a weigher", classLoader) : null;
    // Either may come from the default section: a cache block can change the weight and keep the
    // default section's weigher, or the other way round.
    tiers.add(c -> {
      long w = weight != null ? maximumWeight : c.getMaximumWeight();
      Factory<? extends Weigher<? super Object, ? super Object>> f =
          weigher != null ? weigherFactory : c.getWeigherFactory();
      if (w < 0) {
        throw weigher.problem("a weigher needs maximum-weight: the weigher only counts when the"
            + " memory tier is bounded by weight; add maximum-weight = ... here (or in the default"
            + " section), or remove the weigher");
      }
      if (f == null) {
        throw weight.problem("maximum-weight needs a weigher to weigh entries with; add weigher ="
            + " \"<class implementing " + Weigher.class.getName() + ">\"");
      }
      c.setMaximumWeight(w, f);
    });
  }

  private void writeBehind(ConfigNode node) {
    Map<String, ConfigNode> keys = node.section("a write-behind section", WRITE_BEHIND_KEYS);
    keys.forEach((key, value) -> {
      switch (key) {
        case "segments" -> {
          int segments = value.positiveInt("8");
          tiers.add(c -> c.setSegments(segments));
        }
        case "flush-interval" -> {
          java.time.Duration interval = value.positiveDuration();
          tiers.add(c -> c.setFlushInterval(interval));
        }
        case "batch-size" -> {
          int size = value.positiveInt("512");
          tiers.add(c -> c.setFlushBatchSize(size));
        }
        case "buffer-capacity" -> {
          int capacity = value.positiveInt("16384");
          tiers.add(c -> c.setWriteBufferCapacity(capacity));
        }
        case "back-pressure" -> {
          String name = value.text("block");
          if (!BACK_PRESSURES.contains(name)) {
            throw value.problem("unknown back-pressure '" + name + "'; it is one of "
                + String.join(", ", BACK_PRESSURES));
          }
          BackPressure backPressure = name.equals("block") ? BackPressure.BLOCK
              : BackPressure.WRITE_THROUGH;
          tiers.add(c -> c.setBackPressure(backPressure, c.getBackPressureTimeout()));
        }
        case "back-pressure-timeout" -> {
          java.time.Duration timeout = value.positiveDuration();
          tiers.add(c -> c.setBackPressure(c.getBackPressure(), timeout));
        }
        case "to-writer" -> {
          boolean on = value.bool();
          toWriter = on ? value : null;
          tiers.add(c -> c.setWriteBehindToWriter(on));
        }
        default -> throw new AssertionError(key);
      }
    });
  }

  private void warmUp(ConfigNode node) {
    Map<String, ConfigNode> keys = node.section("a warm-up section", WARM_UP_KEYS);
    keys.forEach((key, value) -> {
      switch (key) {
        case "restart" -> {
          boolean restart = value.bool();
          tiers.add(c -> c.setWarmRestart(restart));
        }
        case "loader" -> {
          Factory<WarmUpLoader<Object, Object>> loader = value.isNull() ? null
              : DeclaredClass.factory(value, WarmUpLoader.class, "a warm-up loader",
                  classLoader);
          tiers.add(c -> c.setWarmUpLoaderFactory(loader));
        }
        case "batch-size" -> {
          int size = value.positiveInt("256");
          tiers.add(c -> c.setWarmUpBatchSize(size));
        }
        default -> throw new AssertionError(key);
      }
    });
  }
}
