package dev.cairn.cache.core.tier;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tier's own options for one cache, by name, as the layer above read them (a configuration file,
 * Spring properties, code), together with where each was set, so that a {@link TierProvider} can
 * check them and name the option and its source in every error: an unknown option (with the
 * nearest known name), or a value it cannot use. Values are strings; the typed readers here accept
 * the forms a configuration file or a property writes.
 */
public final class TierOptions {

  // HOCON's size and duration syntax, so a value means in a tier's section what it means in the
  // rest of a configuration file; Spring properties and code use the same forms.
  private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");
  private static final Map<String, Long> SIZE_UNITS = sizeUnits();
  private static final Map<String, ChronoUnit> DURATION_UNITS =
      durationUnits();

  private static Map<String, Long> sizeUnits() {
    Map<String, Long> units = new HashMap<>();
    for (String unit : List.of("", "B", "b", "byte", "bytes")) {
      units.put(unit, 1L);
    }
    String[][] names = {
        {"kB", "kilobyte", "kilobytes"}, {"K", "k", "Ki", "KiB", "kibibyte", "kibibytes"},
        {"MB", "megabyte", "megabytes"}, {"M", "m", "Mi", "MiB", "mebibyte", "mebibytes"},
        {"GB", "gigabyte", "gigabytes"}, {"G", "g", "Gi", "GiB", "gibibyte", "gibibytes"},
        {"TB", "terabyte", "terabytes"}, {"T", "t", "Ti", "TiB", "tebibyte", "tebibytes"}};
    long decimal = 1;
    long binary = 1;
    for (int i = 0; i < names.length; i += 2) {
      decimal *= 1000;
      binary *= 1024;
      for (String unit : names[i]) {
        units.put(unit, decimal);
      }
      for (String unit : names[i + 1]) {
        units.put(unit, binary);
      }
    }
    return Map.copyOf(units);
  }

  private static Map<String, ChronoUnit> durationUnits() {
    Map<String, ChronoUnit> units = new HashMap<>();
    Object[][] names = {
        {ChronoUnit.NANOS, "ns", "nano", "nanos", "nanosecond", "nanoseconds"},
        {ChronoUnit.MICROS, "us", "micro", "micros", "microsecond",
            "microseconds"},
        {ChronoUnit.MILLIS, "", "ms", "milli", "millis", "millisecond",
            "milliseconds"},
        {ChronoUnit.SECONDS, "s", "second", "seconds"},
        {ChronoUnit.MINUTES, "m", "minute", "minutes"},
        {ChronoUnit.HOURS, "h", "hour", "hours"},
        {ChronoUnit.DAYS, "d", "day", "days"}};
    for (Object[] row : names) {
      for (int i = 1; i < row.length; i++) {
        units.put((String) row[i], (ChronoUnit) row[0]);
      }
    }
    return Map.copyOf(units);
  }

  private final String cacheName;
  private final String tier;
  private final Map<String, String> values;
  private final Function<String, String> where;

  private TierOptions(String cacheName, String tier, Map<String, String> values,
      Function<String, String> where) {
    this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
    this.tier = Objects.requireNonNull(tier, "tier");
    this.values = new TreeMap<>(Objects.requireNonNull(values, "values"));
    this.where = Objects.requireNonNull(where, "where");
    this.values.forEach((name, value) -> {
      Objects.requireNonNull(name, "an option name");
      Objects.requireNonNull(value, () -> "the value of option '" + name + "'");
    });
  }

  /**
   * Options of the named tier for one cache.
   *
   * @param cacheName the cache's name, for messages
   * @param tier the tier provider's name, for messages
   * @param values the options by name
   * @param where describes where an option was set, given its name: {@code "property
   *     cairn.cache.caches.books.disk.maximum-entries"}, say, or {@code "key ... at line 12 of
   *     file:/etc/app/cairn.conf"}
   */
  public static TierOptions of(String cacheName, String tier, Map<String, String> values,
      Function<String, String> where) {
    return new TierOptions(cacheName, tier, values, where);
  }

  /** Options set in code, described as such in messages. */
  public static TierOptions of(String cacheName, String tier, Map<String, String> values) {
    return new TierOptions(cacheName, tier, values, name -> "set in code");
  }

  /** Returns the name of the cache these options are for. */
  public String cacheName() {
    return cacheName;
  }

  /** Returns the tier's name these options are for. */
  public String tier() {
    return tier;
  }

  /** Returns the options, by name, sorted. */
  public Map<String, String> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** Returns whether the option is set. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Returns the option's value, or {@code null} if it is not set. */
  public String get(String name) {
    return values.get(name);
  }

  /** Describes where the option was set, for messages. */
  public String where(String name) {
    return where.apply(name);
  }

  /**
   * Refuses any option not in {@code known}, naming it, where it was set, the nearest known name
   * and the known names.
   *
   * @throws IllegalArgumentException for the first unknown option
   */
  public void requireOnly(Collection<String> known) {
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        String nearest = nearest(name, List.copyOf(known));
        throw new IllegalArgumentException("Unknown option '" + name + "' of the " + tier
            + " tier of cache '" + cacheName + "' (" + where(name) + ")"
            + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
            + " The " + tier + " tier's options are " + known);
      }
    }
  }

  /** Reads a whole number of at least 1, or returns {@code otherwise} if the option is not set. */
  public long positive(String name, long otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed >= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      throw badValue(name, "a whole number of at least 1", e);
    }
    throw badValue(name, "a whole number of at least 1", null);
  }

  /**
   * Reads a size in bytes of at least 1, in HOCON's size syntax: a whole number, optionally
   * followed by a unit: {@code k}, {@code K}, {@code KiB}, {@code m}, {@code M}, {@code MiB},
   * {@code g}, {@code G}, {@code GiB}, {@code t}, {@code TiB} and their spelled-out names for powers
   * of 1024, {@code kB}, {@code MB}, {@code GB}, {@code TB} for powers of 1000, such as {@code 64m}
   * or {@code 4g}; or returns {@code otherwise} if the option is not set.
   */
  public long bytes(String name, long otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    String expected = "a size of at least 1 byte, such as 4096, 64m or 4g";
    Matcher matcher = NUMBER_AND_UNIT.matcher(value.strip());
    Long unit = matcher.matches() ? SIZE_UNITS.get(matcher.group(2)) : null;
    if (unit == null) {
      throw badValue(name, expected, null);
    }
    try {
      long bytes = Math.multiplyExact(Long.parseLong(matcher.group(1)), unit);
      if (bytes < 1) {
        throw badValue(name, expected, null);
      }
      return bytes;
    } catch (NumberFormatException | ArithmeticException e) {
      throw badValue(name, expected, e);
    }
  }

  /**
   * Reads a duration of zero or more, in HOCON's duration syntax (a whole number with an optional
   * unit: {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} or their
   * spelled-out names such as {@code 1 minute}; a bare number is milliseconds) or ISO-8601
   * ({@code PT1M}); or returns {@code otherwise} if the option is not set.
   */
  public Duration duration(String name, Duration otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    String expected = "a duration of zero or more, such as 30s, 1m, 1 minute or PT1M";
    String text = value.strip();
    Matcher matcher = NUMBER_AND_UNIT.matcher(text);
    Duration parsed;
    try {
      if (matcher.matches()) {
        ChronoUnit unit = DURATION_UNITS.get(matcher.group(2));
        if (unit == null) {
          throw badValue(name, expected, null);
        }
        parsed = Duration.of(Long.parseLong(matcher.group(1)), unit);
      } else {
        parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw badValue(name, expected, e);
    }
    if (parsed.isNegative()) {
      throw badValue(name, expected, null);
    }
    return parsed;
  }

  /** Reads {@code true} or {@code false}, or returns {@code otherwise} if the option is not set. */
  public boolean bool(String name, boolean otherwise) {
    String value = values.get(name);
    if (value == null) {
      return otherwise;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw badValue(name, "true or false", null);
    };
  }

  /**
   * An error for an option whose value the tier cannot use, naming the option, where it was set,
   * the value and what was expected.
   */
  public IllegalArgumentException badValue(String name, String expected, Throwable cause) {
    return new IllegalArgumentException("Option '" + name + "' of the " + tier + " tier of cache '"
        + cacheName + "' (" + where(name) + ") cannot be '" + values.get(name) + "': expected "
        + expected, cause);
  }

  /**
   * Returns the known name nearest to a mistyped one, or {@code null} if none is close: at most two
   * edits (or a quarter of the name's length), which catches transposed and dropped letters
   * without suggesting unrelated names. Configuration layers use it for their own keys too.
   */
  public static String nearest(String typed, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = editDistance(typed, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(2, typed.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  @Override
  public String toString() {
    return "TierOptions[" + cacheName + ", " + tier + ", " + values.keySet() + "]";
  }
}
