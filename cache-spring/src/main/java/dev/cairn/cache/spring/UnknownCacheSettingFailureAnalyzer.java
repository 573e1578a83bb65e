package dev.cairn.cache.spring;

import dev.cairn.cache.core.tier.TierOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Reports a key under {@code cairn.cache} that no setting has, with the keys its section does have
 * (in a cache block, the sections named after the tiers on the class path too) and the one most
 * likely meant ({@code maximum-entires}: did you mean {@code maximum-entries}?). A tier's own
 * options are the tier's to check ({@link CacheDeclaration}).
 * Spring Boot's own report names the key but not what would have been right. Runs before Boot's
 * analyzers, and leaves unknown keys outside {@code cairn.cache} to them.
 */
class UnknownCacheSettingFailureAnalyzer
    extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException> implements Ordered {

  private static final ConfigurationPropertyName PREFIX =
      ConfigurationPropertyName.of(CairnCacheProperties.PREFIX);
  // Elements of a property name before a cache's own keys: cairn, cache, caches, <name>.
  private static final int CACHE_KEYS_START = 4;

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure,
      UnboundConfigurationPropertiesException cause) {
    Set<ConfigurationProperty> unbound = cause.getUnboundProperties();
    if (unbound.isEmpty()
        || !unbound.stream().allMatch(p -> PREFIX.isAncestorOf(p.getName()))) {
      return null;
    }
    StringBuilder description = new StringBuilder("Unknown Cairn cache settings:");
    unbound.stream().sorted(Comparator.comparing(p -> p.getName().toString())).forEach(p -> {
      String nl = System.lineSeparator();
      description.append(nl).append(nl)
          .append("    Property: ").append(p.getName()).append(nl)
          .append("    Value: \"").append(p.getValue()).append('"').append(nl)
          .append("    Origin: ").append(p.getOrigin()).append(nl)
          .append("    Reason: ").append(reason(p.getName()));
    });
    return new FailureAnalysis(description.toString(), "Correct or remove the settings; every"
        + " cairn.cache setting is described in Cairn's docs/spring.md", cause);
  }

  /** Says which key of which section was not understood, and what the section knows. */
  private static String reason(ConfigurationPropertyName name) {
    Class<?> section = CairnCacheProperties.class;
    String sectionName = CairnCacheProperties.PREFIX;
    int start = PREFIX.getNumberOfElements();
    if (name.getNumberOfElements() > CACHE_KEYS_START
        && "caches".equals(name.getElement(start, Form.DASHED))) {
      section = CairnCacheProperties.CacheSpec.class;
      sectionName = "a cache block";
      start = CACHE_KEYS_START;
    }
    // Walk down nested sections (memory, expiry, ...) as far as the name names them.
    for (int i = start; i < name.getNumberOfElements(); i++) {
      String key = name.getElement(i, Form.DASHED);
      List<String> keys = keysOf(section);
      // A cache block and the defaults also have a section per tier on the class path.
      List<String> tiers = section == CairnCacheProperties.CacheSpec.class
          ? TierSections.tierNames(ClassUtils.getDefaultClassLoader()) : List.of();
      if (tiers.contains(key)) {
        return "'" + key + "' is the " + key + " tier's section, which holds keys, not a value:"
            + " set " + key + ".enabled, " + key + ".directory or one of the tier's options";
      }
      Class<?> nested = nestedSection(section, key);
      if (nested == null || i == name.getNumberOfElements() - 1) {
        List<String> known = new ArrayList<>(keys);
        known.addAll(tiers);
        String guess = TierOptions.nearest(key, known);
        return "'" + key + "' is not a key of " + sectionName + "."
            + (guess == null ? "" : " Did you mean '" + guess + "'?")
            + " The keys of " + sectionName + " are: " + String.join(", ", keys)
            + (tiers.isEmpty() ? "" : "; and a section per tier on the class path: "
                + String.join(", ", tiers));
      }
      section = nested;
      sectionName = "a " + key + " section";
    }
    return "not a Cairn cache setting";
  }

  private static List<String> keysOf(Class<?> section) {
    List<String> keys = new ArrayList<>();
    for (Field field : section.getDeclaredFields()) {
      if (!Modifier.isStatic(field.getModifiers())) {
        keys.add(dashed(field.getName()));
      }
    }
    return keys;
  }

  private static Class<?> nestedSection(Class<?> section, String key) {
    for (Field field : section.getDeclaredFields()) {
      if (dashed(field.getName()).equals(key)
          && field.getType().getDeclaringClass() == CairnCacheProperties.class
          && !field.getType().isEnum()) {
        return field.getType();
      }
    }
    return null;
  }

  private static String dashed(String camelCase) {
    return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
