package dev.cairn.cache.demo;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: enough of PromQL for dashboards and rules (selectors,
 * ranges, offsets, functions, aggregations with by/without, vector matching, Grafana variables).
 */
final class PromQlMetricNames {

  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  private static final Pattern LABELS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LIST = Pattern.compile(
      "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  // An identifier not preceded by a word character, '$' or '.', so durations (5m), numbers and
  // Grafana variables are not taken for names; a '(' after it makes it a function instead.
  private static final Pattern IDENTIFIER = Pattern.compile(
      "(?<![\\w$.:])([a-zA-Z_:][\\w:]*)(\\s*\\()?");
  private static final Pattern LABEL_VALUES = Pattern.compile(
      "label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,");

  private PromQlMetricNames() {
  }

  /** Returns the metric names the expression reads. */
  static Set<String> of(String expression) {
    String rest = STRING.matcher(expression).replaceAll(" ");
    rest = LABELS.matcher(rest).replaceAll(" ");
    rest = RANGE.matcher(rest).replaceAll(" ");
    rest = LABEL_LIST.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(rest);
    while (identifier.find()) {
      String name = identifier.group(1);
      if (identifier.group(2) == null && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }

  /** Returns the metric of a Grafana {@code label_values(metric, label)} query, if it is one. */
  static Set<String> ofGrafanaQuery(String query) {
    Matcher labelValues = LABEL_VALUES.matcher(query);
    return labelValues.find() ? Set.of(labelValues.group(1)) : of(query);
  }
}
