package dev.cairn.cache.spring;

import dev.cairn.cache.core.WarmUpLoader;
import dev.cairn.cache.core.Weigher;
import dev.cairn.cache.core.tier.TierOptions;
import dev.cairn.cache.core.tier.TierProvider;
import dev.cairn.cache.jcache.CairnConfiguration;
import dev.cairn.cache.spring.CairnCacheProperties.CacheSpec;
import dev.cairn.cache.spring.CairnCacheProperties.Expiry;
import dev.cairn.cache.spring.CairnCacheProperties.Memory;
import dev.cairn.cache.spring.CairnCacheProperties.WarmUp;
import dev.cairn.cache.spring.CairnCacheProperties.WriteBehind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;

/**
 * Turns one {@code cairn.cache.caches.<name>} block into the {@link CairnConfiguration} the
 * cache is created with, checking every value on the way and naming the property of any that
 * does not fit. It translates and does nothing else: the settings mean what
 * {@link CairnConfiguration}'s setters say.
 */
final class CacheDeclaration {

  // A name that is a safe directory name as it is, on every file system we run on.
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private static final String DEFAULTS = CairnCacheProperties.PREFIX + ".defaults";

  private final String name;
  private final String prefix;
  // The block's property: the prefix without its dot.
  private final String block;
  private final CacheSpec spec;
  private final Path baseDirectory;
  private final TierSections tiers;
  private final BeanFactory beans;

  CacheDeclaration(String name, CacheSpec spec, Path baseDirectory, TierSections tiers,
      BeanFactory beans) {
    this.name = name;
    this.prefix = propertyPrefix(name);
    this.block = prefix.substring(0, prefix.length() - 1);
    this.spec = spec;
    this.baseDirectory = baseDirectory;
    this.tiers = tiers;
    this.beans = beans;
  }

  /**
   * The prefix of the cache's properties, as Spring Boot writes the name: a cache name that is not
   * a plain lower-case name goes in brackets ({@code cairn.cache.caches[Books.v2].memory}).
   */
  static String propertyPrefix(String name) {
    String key = name.matches("[a-z0-9][a-z0-9-]*") ? "." + name : "[" + name + "]";
    return CairnCacheProperties.PREFIX + ".caches" + key + ".";
  }

  /**
   * Returns the configuration the block describes.
   *
   * @throws InvalidCacheDeclarationException naming the first property that does not fit
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  CairnConfiguration<Object, Object> configuration() {
    CairnConfiguration<Object, Object> configuration = new CairnConfiguration<>();
    configuration.setTypes((Class) spec.getKeyType(), (Class) spec.getValueType());
    configuration.setStoreByValue(spec.isStoreByValue());
    configuration.setStatisticsEnabled(spec.isStatistics());
    configuration.setManagementEnabled(spec.isManagement());
    configuration.setExpiryPolicyFactory(expiry(spec.getExpiry()));
    memory(spec.getMemory(), configuration);
    lowerTier(configuration);
    writeBehind(spec.getWriteBehind(), configuration);
    warmUp(spec.getWarmUp(), configuration);
    return configuration;
  }

  private Factory<? extends ExpiryPolicy> expiry(Expiry expiry) {
    Duration duration = expiry.getDuration();
    if (expiry.getPolicy() == CairnCacheProperties.ExpiryPolicyKind.ETERNAL) {
      if (duration != null) {
        throw invalid("expiry.duration", duration, "the eternal policy takes no duration",
            "Set " + prefix + "expiry.policy to created, accessed, modified or touched, or drop"
                + " the duration");
      }
      return EternalExpiryPolicy.factoryOf();
    }
    if (duration == null) {
      throw invalid("expiry.duration", null, "the " + policyName(expiry) + " policy needs a"
          + " duration", "Set " + prefix + "expiry.duration, such as 10m");
    }
    if (duration.toMillis() < 1 || !duration.equals(Duration.ofMillis(duration.toMillis()))) {
      throw invalid("expiry.duration", duration, "JSR-107 expiry durations are whole"
          + " milliseconds, at least 1ms", "Give a duration such as 500ms, 30s or 10m");
    }
    javax.cache.expiry.Duration jsr107 =
        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, duration.toMillis());
    return switch (expiry.getPolicy()) {
      case CREATED -> CreatedExpiryPolicy.factoryOf(jsr107);
      case ACCESSED -> AccessedExpiryPolicy.factoryOf(jsr107);
      case MODIFIED -> ModifiedExpiryPolicy.factoryOf(jsr107);
      case TOUCHED -> TouchedExpiryPolicy.factoryOf(jsr107);
      case ETERNAL -> throw new AssertionError("handled above");
    };
  }

  private static String policyName(Expiry expiry) {
    return expiry.getPolicy().name().toLowerCase(java.util.Locale.ROOT);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void memory(Memory memory, CairnConfiguration<Object, Object> configuration) {
    Long entries = memory.getMaximumEntries();
    Long weight = memory.getMaximumWeight();
    Class<?> weigher = memory.getWeigher();
    if (entries != null && weight != null) {
      throw invalid("memory.maximum-weight", weight, "the memory tier is bounded by entries"
          + " (maximum-entries = " + entries + ") or by weight, not both",
          "Drop " + prefix + "memory.maximum-entries or " + prefix + "memory.maximum-weight");
    }
    if (weight == null) {
      if (weigher != null) {
        throw invalid("memory.weigher", weigher.getName(), "a weigher needs maximum-weight",
            "Set " + prefix + "memory.maximum-weight, or drop the weigher");
      }
      if (entries != null) {
        positive("memory.maximum-entries", entries);
        configuration.setMaximumEntries(entries);
      }
      return;
    }
    positive("memory.maximum-weight", weight);
    if (weigher == null) {
      throw invalid("memory.weigher", null, "maximum-weight needs a weigher to weigh entries",
          "Set " + prefix + "memory.weigher to a class implementing " + Weigher.class.getName());
    }
    if (!Weigher.class.isAssignableFrom(weigher)) {
      throw invalid("memory.weigher", weigher.getName(), "the class does not implement "
          + Weigher.class.getName(), "Name a class implementing it, public and with a public"
          + " no-argument constructor");
    }
    instantiable("memory.weigher", weigher);
    configuration.setMaximumWeight(weight, FactoryBuilder.factoryOf((Class) weigher));
  }

  /**
   * Gives the cache its lower tier: the one {@code tier} names, else the one its tiers' sections
   * (the block's over the defaults', key by key) turn on, else, with a base directory, the one
   * tier on the class path that keeps files, which the JCache layer picks. A section turns its
   * tier on unless it says {@code enabled=false}, except that a tier keeping files needs a
   * directory for that, its own or under the base directory. Every tier the sections name first
   * has its options checked by its provider.
   */
  private void lowerTier(CairnConfiguration<Object, Object> configuration) {
    Map<String, TierSections.Section> defaults = tiers.read(DEFAULTS);
    Map<String, TierSections.Section> own = tiers.read(block);
    Map<String, Merged> sections = new LinkedHashMap<>();
    for (String tier : tiers.providers().keySet()) {
      if (defaults.containsKey(tier) || own.containsKey(tier)) {
        Merged merged = new Merged(tier, defaults.get(tier), own.get(tier));
        check(merged);
        sections.put(tier, merged);
      }
    }
    String tier = choice(sections);
    if (tier == null) {
      boolean turnedOff = sections.values().stream()
          .anyMatch(section -> Boolean.FALSE.equals(section.enabled()));
      if (baseDirectory != null && !turnedOff) {
        configuration.setDirectory(underBase(null));
      }
      return;
    }
    Merged section = sections.get(tier);
    Path directory = section != null && section.directory() != null ? section.directory()
        : baseDirectory != null ? underBase(tier) : null;
    if (directory == null && tiers.providers().get(tier).usesDirectory()) {
      throw invalid(tier + "." + TierSections.DIRECTORY, null, "the " + tier + " tier keeps its"
          + " files in a directory, but the cache has none", "Set " + prefix + tier + "."
          + TierSections.DIRECTORY + ", or " + CairnCacheProperties.PREFIX + ".directory for a"
          + " base directory under which each cache gets its own");
    }
    configuration.setLowerTier(tier)
        .setDirectory(directory == null ? null : directory.toAbsolutePath().normalize());
    if (section != null) {
      section.options().forEach(configuration::setLowerTierOption);
    }
  }

  /** Which tier the cache has: the one {@code tier} names, or the one turned on, or none. */
  private String choice(Map<String, Merged> sections) {
    String named = spec.getTier() == null ? null : spec.getTier().strip();
    if (named != null) {
      if (!tiers.providers().containsKey(named)) {
        String nearest = TierOptions.nearest(named, tiers.providers().keySet());
        throw invalid("tier", named, "no tier of that name is on the class path"
            + (nearest == null ? "" : "; did you mean '" + nearest + "'?"),
            tiers.providers().isEmpty() ? "Add the module that offers the tier"
                : "Name one of the tiers there: " + String.join(", ", tiers.providers().keySet()));
      }
      Merged section = sections.get(named);
      if (section != null && Boolean.FALSE.equals(section.enabled())) {
        throw invalid(named + "." + TierSections.ENABLED, false, "turns off the tier that "
            + prefix + "tier chooses", "Drop one of the two");
      }
      for (Merged other : sections.values()) {
        if (!other.tier().equals(named) && Boolean.TRUE.equals(other.enabled())) {
          throw invalid(other.tier() + "." + TierSections.ENABLED, true, "a cache has one lower"
              + " tier, and " + prefix + "tier chooses " + named, "Drop one of the two");
        }
      }
      return named;
    }
    List<String> on = new ArrayList<>();
    for (Merged section : sections.values()) {
      if (turnsOn(section)) {
        on.add(section.tier());
      }
    }
    if (on.size() > 1) {
      throw invalid("tier", null, "the sections of " + String.join(" and ", on) + " turn on two"
          + " lower tiers, and a cache has one", "Set " + prefix + "tier to one of them, or "
          + prefix + "<tier>.enabled=false for the others");
    }
    return on.isEmpty() ? null : on.get(0);
  }

  private boolean turnsOn(Merged section) {
    if (section.enabled() != null) {
      return section.enabled();
    }
    // A tier that keeps files is on when it has a directory: its own, or under the base.
    return !tiers.providers().get(section.tier()).usesDirectory() || section.directory() != null
        || baseDirectory != null;
  }

  /** Lets the tier's provider check its options as the cache gets them. */
  private void check(Merged section) {
    TierProvider provider = tiers.providers().get(section.tier());
    try {
      provider.validate(TierOptions.of(name, section.tier(), section.options(),
          option -> "property " + section.optionProperties().getOrDefault(option,
              section.property() + "." + option)));
    } catch (IllegalArgumentException e) {
      throw new InvalidCacheDeclarationException(section.property(), null, e.getMessage(),
          "Correct the option; the " + section.tier() + " tier's options are its own (see the"
              + " documentation of the module that offers it)", e);
    }
  }

  /**
   * A tier's settings for the cache: its section under the defaults with the block's over it, key
   * by key. A directory is the block's only: caches cannot share one.
   */
  private record Merged(String tier, String property, Boolean enabled, Path directory,
      Map<String, String> options, Map<String, String> optionProperties) {

    Merged(String tier, TierSections.Section defaults, TierSections.Section own) {
      this(tier, (own != null ? own : defaults).property(),
          own != null && own.enabled() != null ? own.enabled()
              : defaults != null ? defaults.enabled() : null,
          own != null ? own.directory() : null,
          overlay(defaults == null ? null : defaults.options(),
              own == null ? null : own.options()),
          overlay(defaults == null ? null : defaults.optionProperties(),
              own == null ? null : own.optionProperties()));
    }

    private static Map<String, String> overlay(Map<String, String> below,
        Map<String, String> above) {
      Map<String, String> merged = new TreeMap<>();
      if (below != null) {
        merged.putAll(below);
      }
      if (above != null) {
        merged.putAll(above);
      }
      return merged;
    }
  }

  /** The cache's directory under the base directory; its name must be a plain directory name. */
  private Path underBase(String tier) {
    if (!PLAIN_NAME.matcher(name).matches()) {
      throw new InvalidCacheDeclarationException(CairnCacheProperties.PREFIX + ".directory",
          baseDirectory, "cache '" + name + "' has a name that is not a plain directory name"
              + " (letters, digits, '.', '_' and '-', not starting with '.'), so it cannot name"
              + " its directory under " + baseDirectory,
          "Set " + prefix + (tier != null ? tier : "<tier>") + "." + TierSections.DIRECTORY
              + " to a directory of its own", null);
    }
    return baseDirectory.resolve(name);
  }

  private void writeBehind(WriteBehind writeBehind,
      CairnConfiguration<Object, Object> configuration) {
    positive("write-behind.segments", writeBehind.getSegments());
    positive("write-behind.batch-size", writeBehind.getBatchSize());
    positive("write-behind.buffer-capacity", writeBehind.getBufferCapacity());
    positive("write-behind.flush-interval", writeBehind.getFlushInterval());
    positive("write-behind.back-pressure-timeout", writeBehind.getBackPressureTimeout());
    if (writeBehind.getBackPressure() == null) {
      throw invalid("write-behind.back-pressure", null, "missing", "Set it to block or"
          + " write-through");
    }
    configuration.setSegments(writeBehind.getSegments())
        .setFlushBatchSize(writeBehind.getBatchSize())
        .setWriteBufferCapacity(writeBehind.getBufferCapacity())
        .setFlushInterval(writeBehind.getFlushInterval())
        .setBackPressure(writeBehind.getBackPressure(), writeBehind.getBackPressureTimeout());
  }

  @SuppressWarnings("unchecked")
  private void warmUp(WarmUp warmUp, CairnConfiguration<Object, Object> configuration) {
    positive("warm-up.batch-size", warmUp.getBatchSize());
    configuration.setWarmRestart(warmUp.isRestart()).setWarmUpBatchSize(warmUp.getBatchSize());
    String loader = warmUp.getLoader();
    if (loader == null || loader.isBlank()) {
      return;
    }
    Object bean;
    try {
      bean = beans.getBean(loader.strip());
    } catch (BeansException e) {
      throw new InvalidCacheDeclarationException(prefix + "warm-up.loader", loader,
          "no bean of that name could be had: " + e.getMessage(),
          "Name a bean implementing " + WarmUpLoader.class.getName(), e);
    }
    if (!(bean instanceof WarmUpLoader<?, ?> warmUpLoader)) {
      throw invalid("warm-up.loader", loader, "the bean is a " + bean.getClass().getName()
          + ", not a " + WarmUpLoader.class.getName(), "Name a bean implementing it");
    }
    configuration.setWarmUpLoaderFactory(
        new SingletonFactory<>((WarmUpLoader<Object, Object>) warmUpLoader));
  }

  private void instantiable(String key, Class<?> type) {
    try {
      type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new InvalidCacheDeclarationException(prefix + key, type.getName(),
          "cannot be instantiated: " + e,
          "Make the class public, with a public no-argument constructor", e);
    }
  }

  private void positive(String key, long value) {
    if (value < 1) {
      throw invalid(key, value, "must be at least 1", "Give a positive number");
    }
  }

  private void positive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(key, value, "must be a duration above zero", "Give a duration such as"
          + " 100ms or 30s");
    }
  }

  private InvalidCacheDeclarationException invalid(String key, Object value, String reason,
      String action) {
    return new InvalidCacheDeclarationException(prefix + key, value, reason, action, null);
  }
}
