package dev.cairn.cache.spring;

import dev.cairn.cache.core.tier.TierProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * The sections of {@code cairn.cache} named after the tier providers on the class path:
 * {@code cairn.cache.caches.<name>.<tier>.*} and {@code cairn.cache.defaults.<tier>.*}, such as
 * {@code cairn.cache.caches.books.disk.directory}. {@link CairnCacheProperties} cannot hold them
 * (a bean has fixed fields, and which tiers exist is known only at run time), so they are read
 * here, from the environment, by name.
 *
 * <p>Two keys of a tier's section are the layer's, whatever the tier: {@code enabled} and
 * {@code directory}. Every other key is one of the tier's own options, read as text (a list as its
 * elements joined with commas, a nested key with dots: {@code pool.size}) for the tier's provider
 * to check; nothing here knows what any tier's options mean.
 *
 * <p>Because {@link CairnCacheProperties} must let these keys through unbound, the check that
 * refuses unknown keys is done here too ({@link #refuseUnknownKeys}), as Spring Boot does for
 * {@code ignoreUnknownFields = false}, with the tiers' sections left out.
 */
final class TierSections {

  static final String ENABLED = "enabled";
  static final String DIRECTORY = "directory";

  private static final ConfigurationPropertyName PREFIX =
      ConfigurationPropertyName.of(CairnCacheProperties.PREFIX);
  // cairn.cache.defaults.<tier> and cairn.cache.caches.<name>.<tier>: where the tier's name is.
  private static final int DEFAULTS_TIER = 3;
  private static final int CACHE_TIER = 4;

  /**
   * One tier's section of one block.
   *
   * @param tier the tier's name
   * @param property the section's property, such as {@code cairn.cache.caches.books.disk}
   * @param enabled {@code enabled} as set, or {@code null}
   * @param directory {@code directory} as set, or {@code null}
   * @param options the tier's own options, as text, by name
   * @param optionProperties the property of each option, by name
   */
  record Section(String tier, String property, Boolean enabled, Path directory,
      Map<String, String> options, Map<String, String> optionProperties) {
  }

  private final Environment environment;
  private final Map<String, TierProvider> providers;

  TierSections(Environment environment, ClassLoader classLoader) {
    this.environment = environment;
    Map<String, TierProvider> found = new LinkedHashMap<>();
    for (TierProvider provider : TierProvider.all(classLoader)) {
      found.putIfAbsent(provider.name(), provider);
    }
    this.providers = Collections.unmodifiableMap(found);
  }

  /** Returns the tier providers on the class path, by name. */
  Map<String, TierProvider> providers() {
    return providers;
  }

  /** Returns the names of the tiers on the class path, as {@link TierProvider#all} finds them. */
  static List<String> tierNames(ClassLoader classLoader) {
    return TierProvider.all(classLoader).stream().map(TierProvider::name).distinct().toList();
  }

  /**
   * Fails start-up, as Spring Boot does for a {@code @ConfigurationProperties} bean that refuses
   * unknown fields, if a key under {@code cairn.cache} is neither a setting of
   * {@link CairnCacheProperties} nor inside a tier's section.
   *
   * @throws org.springframework.boot.context.properties.bind.BindException caused by an
   *     {@link org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException}
   *     naming the unknown keys, which {@link UnknownCacheSettingFailureAnalyzer} reports
   */
  void refuseUnknownKeys() {
    List<ConfigurationPropertySource> settings = new ArrayList<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      settings.add(source.filter(name -> !isInTierSection(name)));
    }
    new Binder(settings, new PropertySourcesPlaceholdersResolver(environment))
        .bind(PREFIX, Bindable.of(CairnCacheProperties.class),
            new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
  }

  private boolean isInTierSection(ConfigurationPropertyName name) {
    if (!PREFIX.isAncestorOf(name)) {
      return false;
    }
    String block = name.getElement(PREFIX.getNumberOfElements(), Form.DASHED);
    int tier = block.equals("defaults") ? DEFAULTS_TIER : block.equals("caches") ? CACHE_TIER : -1;
    return tier > 0 && name.getNumberOfElements() > tier + 1
        && providers.containsKey(name.getElement(tier, Form.DASHED));
  }

  /**
   * Returns the names of the caches under {@code cairn.cache.caches} that have a tier's section,
   * named as Spring Boot names map keys: a block holding nothing else is a cache too, which the
   * properties bean, having no field for it, does not list.
   */
  Set<String> cacheNames() {
    ConfigurationPropertyName caches = PREFIX.append("caches");
    Set<String> names = new LinkedHashSet<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (source instanceof IterableConfigurationPropertySource iterable) {
        iterable.stream().filter(this::isInTierSection).filter(caches::isAncestorOf)
            .forEach(name -> names.add(name.getElement(CACHE_TIER - 1, Form.ORIGINAL)));
      }
    }
    return names;
  }

  /**
   * Reads the tiers' sections of one block.
   *
   * @param block the block's property, such as {@code cairn.cache.caches.books} or
   *     {@code cairn.cache.defaults}
   * @return the sections, by tier name, in the order of the providers on the class path
   */
  Map<String, Section> read(String block) {
    ConfigurationPropertyName blockName = ConfigurationPropertyName.of(block);
    int tierElement = blockName.getNumberOfElements();
    Map<String, Set<String>> keysByTier = new TreeMap<>();
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (!(source instanceof IterableConfigurationPropertySource iterable)) {
        continue;
      }
      iterable.stream().filter(blockName::isAncestorOf)
          .filter(name -> name.getNumberOfElements() > tierElement + 1)
          .filter(name -> providers.containsKey(name.getElement(tierElement, Form.DASHED)))
          .filter(name -> !name.isNumericIndex(tierElement + 1))
          .forEach(name -> keysByTier.computeIfAbsent(name.getElement(tierElement, Form.DASHED),
              tier -> new TreeSet<>()).add(key(name, tierElement + 1)));
    }
    Binder binder = Binder.get(environment);
    Map<String, Section> sections = new LinkedHashMap<>();
    for (String tier : providers.keySet()) {
      Set<String> keys = keysByTier.get(tier);
      if (keys != null) {
        sections.put(tier, section(binder, block + "." + tier, tier, keys));
      }
    }
    return sections;
  }

  private static Section section(Binder binder, String property, String tier, Set<String> keys) {
    Boolean enabled = null;
    Path directory = null;
    Map<String, String> options = new TreeMap<>();
    Map<String, String> optionProperties = new TreeMap<>();
    for (String key : keys) {
      String name = property + "." + key;
      switch (key) {
        case ENABLED -> enabled = binder.bind(name, Bindable.of(Boolean.class)).orElse(null);
        case DIRECTORY -> directory = binder.bind(name, Bindable.of(Path.class)).orElse(null);
        default -> binder.bind(name, Bindable.listOf(String.class)).ifBound(values -> {
          options.put(key, String.join(",", values));
          optionProperties.put(key, name);
        });
      }
    }
    return new Section(tier, property, enabled, directory, Collections.unmodifiableMap(options),
        Collections.unmodifiableMap(optionProperties));
  }

  /** A property's key in its tier's section: its elements from {@code start} to a list index. */
  private static String key(ConfigurationPropertyName name, int start) {
    List<String> elements = new ArrayList<>();
    for (int i = start; i < name.getNumberOfElements() && !name.isNumericIndex(i); i++) {
      elements.add(name.getElement(i, Form.DASHED));
    }
    return String.join(".", elements);
  }
}
