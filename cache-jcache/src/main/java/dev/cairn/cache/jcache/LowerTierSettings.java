package dev.cairn.cache.jcache;

import dev.cairn.cache.core.tier.TierOptions;
import dev.cairn.cache.core.tier.TierProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.CacheException;

/**
 * The lower-tier part of one section of a configuration file ({@code cairn.default} or a cache
 * block), read and checked: an explicit {@code tier = <name>}, and the sections named after the
 * tier providers on the class path ({@code disk { ... }} with {@code cache-disk}); and how the
 * default section's and a cache block's combine into one cache's lower tier.
 *
 * <p>Two keys of a tier's section mean something here, whatever the tier: {@code enabled} (a
 * section turns its tier on unless it says {@code enabled = false}) and {@code directory} (in the
 * default section a base directory, under which each cache gets {@code <directory>/<cache name>};
 * in a cache block the cache's own). Every other key is one of the tier's own options: it reaches
 * the provider as text, as it was written ({@code 4g}, {@code 1m}; a list as its elements joined
 * with commas; a nested section as dotted names), and the provider checks it, so that this class
 * knows nothing of any tier. The provider checks the options when the file is read, and its
 * messages name the file, the line and the key, which this class tells it.
 *
 * <p>Kept apart from the other settings because it cannot be applied setting by setting: which
 * tier a cache has, and in which directory, depends on both sections and on the cache's name.
 */
final class LowerTierSettings {

  static final String TIER = "tier";
  static final String ENABLED = "enabled";
  static final String DIRECTORY = "directory";

  /**
   * A section named after a tier.
   *
   * @param provider the tier's provider
   * @param node the section, for messages
   * @param enabled {@code enabled} as written, or {@code null}
   * @param enabledNode where {@code enabled} was written, or {@code null}
   * @param directory {@code directory} made absolute, or {@code null}
   * @param options the tier's own options, as text, by name
   * @param optionNodes where each option was written, by name
   */
  private record Section(TierProvider provider, ConfigNode node, Boolean enabled,
      ConfigNode enabledNode, Path directory, Map<String, String> options,
      Map<String, ConfigNode> optionNodes) {

    boolean turnsOn() {
      return enabled == null || enabled;
    }
  }

  /** The tier a section chooses, and where it chooses it, for messages. */
  private record Choice(TierProvider provider, ConfigNode node) {
  }

  private final Map<String, Section> sections;
  private final Choice choice;

  private LowerTierSettings(Map<String, Section> sections, Choice choice) {
    this.sections = sections;
    this.choice = choice;
  }

  /**
   * Reads and checks the lower-tier keys of one section.
   *
   * @param tier the {@code tier} key, or {@code null}
   * @param tierSections the sections named after tiers, by tier name
   * @param providers the tier providers on the class path, by name
   * @throws CacheException naming the line of a mistake: a tier that is not on the class path, a
   *     value of the wrong type, or two tiers turned on in one section
   */
  static LowerTierSettings read(ConfigNode tier, Map<String, ConfigNode> tierSections,
      Map<String, TierProvider> providers) {
    Map<String, Section> sections = new LinkedHashMap<>();
    tierSections.forEach((name, node) -> sections.put(name, section(providers.get(name), node)));
    TierProvider named = tier == null ? null : named(tier, providers);
    return new LowerTierSettings(Collections.unmodifiableMap(sections),
        choice(named, tier, sections));
  }

  /**
   * Gives a cache its lower tier from the default section's settings and its own block's, either
   * possibly {@code null}, after the providers have checked the options of every tier the two
   * name (the default section's options under the block's, key by key).
   *
   * <p>The block's choice decides: its {@code tier}, else the one tier its sections turn on.
   * Failing that, the default section's choice applies, unless the block's section of that tier
   * says {@code enabled = false}. The directory is the block's, else {@code <the default
   * section's directory>/<the cache's name>}; a tier that keeps files and has neither is refused.
   *
   * @throws CacheException naming the file and line of an option the provider refuses, or of a
   *     tier that keeps files but has no directory
   */
  static void apply(LowerTierSettings defaults, LowerTierSettings cache, String cacheName,
      CairnConfiguration<?, ?> configuration) {
    Choice chosen = cache == null ? null : cache.choice;
    if (chosen == null && defaults != null && defaults.choice != null
        && !(cache != null && cache.turnsOff(defaults.choice.provider.name()))) {
      chosen = defaults.choice;
    }
    Set<String> named = new LinkedHashSet<>();
    if (defaults != null) {
      named.addAll(defaults.sections.keySet());
    }
    if (cache != null) {
      named.addAll(cache.sections.keySet());
    }
    if (chosen != null) {
      named.add(chosen.provider.name());
    }
    for (String tier : named) {
      check(tier, section(defaults, tier), section(cache, tier), chosen, cacheName);
    }
    if (chosen == null) {
      return;
    }
    String tier = chosen.provider.name();
    Section base = section(defaults, tier);
    Section own = section(cache, tier);
    Path directory = own != null && own.directory != null ? own.directory
        : base != null && base.directory != null
            ? base.directory.resolve(directoryName(cacheName, base.node)) : null;
    if (directory == null && chosen.provider.usesDirectory()) {
      throw chosen.node.problem("the " + tier + " tier is on but has no directory to keep its"
          + " files in; set directory in this cache's " + tier + " section or a base directory in"
          + " the default section's, or turn the tier off (enabled = false) for a memory-only"
          + " cache");
    }
    configuration.setLowerTier(tier).setDirectory(directory);
    options(base, own).forEach(configuration::setLowerTierOption);
  }

  private boolean turnsOff(String tier) {
    Section section = sections.get(tier);
    return section != null && !section.turnsOn();
  }

  private static Section section(LowerTierSettings settings, String tier) {
    return settings == null ? null : settings.sections.get(tier);
  }

  /** Lets the provider check a tier's options as the cache would get them. */
  private static void check(String tier, Section base, Section own, Choice chosen,
      String cacheName) {
    TierProvider provider = own != null ? own.provider : base != null ? base.provider
        : chosen.provider;
    Map<String, ConfigNode> nodes = new LinkedHashMap<>();
    if (base != null) {
      nodes.putAll(base.optionNodes);
    }
    if (own != null) {
      nodes.putAll(own.optionNodes);
    }
    try {
      provider.validate(TierOptions.of(cacheName, tier, options(base, own), name -> {
        ConfigNode node = nodes.get(name);
        return node == null ? "not set in the file" : node.location();
      }));
    } catch (IllegalArgumentException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }

  /** The options of the default section's section, with the cache block's over them. */
  private static Map<String, String> options(Section base, Section own) {
    Map<String, String> options = new LinkedHashMap<>();
    if (base != null) {
      options.putAll(base.options);
    }
    if (own != null) {
      options.putAll(own.options);
    }
    return options;
  }

  private static TierProvider named(ConfigNode tier, Map<String, TierProvider> providers) {
    String example = providers.isEmpty() ? "\"<a tier's name>\""
        : providers.keySet().iterator().next();
    String name = tier.text(example);
    TierProvider provider = providers.get(name);
    if (provider == null) {
      String nearest = TierOptions.nearest(name, providers.keySet());
      throw tier.problem("no tier named '" + name + "' is on the class path"
          + (providers.isEmpty() ? " (no tier providers were found at all: add the module that"
              + " offers the tier)"
              : (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                  + " The tiers there are: " + String.join(", ", providers.keySet())));
    }
    return provider;
  }

  /**
   * The tier a section chooses: the one its {@code tier} names, else the one of its sections that
   * is turned on, else none. A section turning on a second tier is a mistake: a cache has one
   * lower tier.
   */
  private static Choice choice(TierProvider named, ConfigNode tier,
      Map<String, Section> sections) {
    List<Section> on = new ArrayList<>();
    for (Section section : sections.values()) {
      if (section.turnsOn()) {
        on.add(section);
      }
    }
    on.sort(Comparator.comparingInt(s -> s.node.line()));
    if (named != null) {
      String name = named.name();
      Section own = sections.get(name);
      if (own != null && !own.turnsOn()) {
        throw own.enabledNode.problem("turns off the " + name + " tier that " + TIER + " = "
            + name + " chooses; remove one of the two");
      }
      for (Section other : on) {
        if (other.provider != named) {
          throw other.node.problem(TIER + " = " + name + " chooses the " + name + " tier, but"
              + " this section turns on the " + other.provider.name() + " tier too; a cache has"
              + " one lower tier: remove this section or write enabled = false in it");
        }
      }
      return new Choice(named, own != null ? own.node : tier);
    }
    if (on.size() > 1) {
      throw on.get(1).node.problem("turns on the " + on.get(1).provider.name() + " tier next to"
          + " the " + on.get(0).provider.name() + " tier; a cache has one lower tier: write"
          + " enabled = false in one of the two sections, or choose one with " + TIER
          + " = <name>");
    }
    return on.isEmpty() ? null : new Choice(on.get(0).provider, on.get(0).node);
  }

  private static Section section(TierProvider provider, ConfigNode node) {
    String what = "the " + provider.name() + " tier's section";
    if (!node.isObject()) {
      throw node.problem("expected " + what + " in braces { ... }, not " + node.describe());
    }
    Boolean enabled = null;
    ConfigNode enabledNode = null;
    Path directory = null;
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, ConfigNode> optionNodes = new LinkedHashMap<>();
    for (ConfigNode child : node.namedChildren(what)) {
      switch (child.key()) {
        case ENABLED -> {
          enabled = child.bool();
          enabledNode = child;
        }
        case DIRECTORY -> directory = directory(child);
        default -> option(child, child.key(), options, optionNodes);
      }
    }
    return new Section(provider, node, enabled, enabledNode, directory,
        Collections.unmodifiableMap(options), Collections.unmodifiableMap(optionNodes));
  }

  /** Reads one option as text; a nested section gives one option per key, named with dots. */
  private static void option(ConfigNode node, String name, Map<String, String> options,
      Map<String, ConfigNode> optionNodes) {
    if (node.isObject()) {
      for (ConfigNode child : node.namedChildren("a section of tier options")) {
        option(child, name + "." + child.key(), options, optionNodes);
      }
      return;
    }
    String text;
    if (node.isList()) {
      List<String> elements = new ArrayList<>();
      for (ConfigNode element : node.elements("a list")) {
        String value = element.scalarText("a string, a number or a boolean");
        if (value.contains(",")) {
          throw element.problem("a list element of a tier option holds no commas: the tier gets"
              + " the list as its elements joined with commas; write one value per element");
        }
        elements.add(value);
      }
      text = String.join(",", elements);
    } else {
      text = node.scalarText("a string, a number, a boolean or a list of them");
    }
    options.put(name, text);
    optionNodes.put(name, node);
  }

  private static String directoryName(String cacheName, ConfigNode base) {
    try {
      return CacheDirectoryName.of(cacheName);
    } catch (IllegalArgumentException e) {
      throw base.problem("the cache name is empty, so it cannot name a directory under this base"
          + " directory; give the cache a name");
    }
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
}
