package dev.cairn.cache.jcache;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.cairn.cache.core.tier.TierOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.CacheException;

/**
 * One value of a configuration file together with where it was written: the file, the line and
 * the full key path. It reads the value as the type a setting needs and turns every mistake into
 * a {@link CacheException} naming all three, so the user can go straight to the line.
 *
 * <p>Values are read after HOCON has resolved {@code ${...}} substitutions, and a resolved value
 * built from a substitution has lost its line; so each node also keeps the unresolved value at the
 * same place, whose origin still has it, and failing that its parent's line. A value from a file
 * the file includes is reported at that file's line, naming both files.
 */
final class ConfigNode {

  private final String file;
  private final ConfigValue value;
  private final ConfigValue unresolved;
  private final String key;
  private final String path;
  private final int line;
  // The file the line is in: the file read, or a file it includes.
  private final String lineFile;

  private ConfigNode(String file, ConfigValue value, ConfigValue unresolved, String key,
      String path, ConfigNode parent) {
    this.file = file;
    this.value = value;
    this.unresolved = unresolved;
    this.key = key;
    this.path = path;
    ConfigOrigin origin = value.origin();
    if (origin.lineNumber() < 0 && unresolved != null) {
      origin = unresolved.origin();
    }
    if (origin.lineNumber() >= 0) {
      this.line = origin.lineNumber();
      this.lineFile = includedFile(file, origin);
    } else {
      this.line = parent == null ? -1 : parent.line;
      this.lineFile = parent == null ? file : parent.lineFile;
    }
  }

  /**
   * The file read was parsed with its URI as the origin's description, so only included files
   * have an origin with a URL or file name.
   */
  private static String includedFile(String file, ConfigOrigin origin) {
    if (origin.url() != null) {
      return file + ", in included " + origin.url();
    }
    return origin.filename() != null ? file + ", in included " + origin.filename() : file;
  }

  /** The root of a file: its resolved and its unresolved tree. */
  static ConfigNode root(String file, ConfigObject resolved, ConfigObject unresolved) {
    return new ConfigNode(file, resolved, unresolved, "", "", null);
  }

  /** Returns the full key path, as HOCON would write it ({@code cairn.caches."a.b".disk}). */
  String path() {
    return path;
  }

  /** Returns the line (in the file, or in the included file), or -1 when HOCON knows none. */
  int line() {
    return line;
  }

  /** Returns this value's key in its object, unquoted; for a list element, its index in [ ]. */
  String key() {
    return key;
  }

  /** Returns whether the value is HOCON's {@code null}. */
  boolean isNull() {
    return value.valueType() == ConfigValueType.NULL;
  }

  /**
   * Describes where this value was set, for a message that is not this class's own (a tier's, about
   * one of its options): {@code key cairn.caches.users.disk.maximum-entries at line 12 of
   * file:/etc/app/cairn.conf}.
   */
  String location() {
    return "key " + path + (line >= 0 ? " at line " + line + " of " : " in ") + lineFile;
  }

  /** Returns a problem with this value, naming the file, the line and the key path. */
  CacheException problem(String what) {
    return new CacheException(lineFile + (line >= 0 ? ", line " + line : "") + ": " + path + ": "
        + what);
  }

  /** Returns a problem with the file as a whole (a missing section, say). */
  static CacheException fileProblem(String file, String what) {
    return new CacheException(file + ": " + what);
  }

  // ---------------------------------------------------------------- structure

  /** Returns the child under {@code key}, or {@code null} if this object has none. */
  ConfigNode child(String key) {
    ConfigValue child = ((ConfigObject) value).get(key);
    if (child == null) {
      return null;
    }
    return new ConfigNode(file, child, unresolvedChild(key), key,
        path.isEmpty() ? ConfigUtil.joinPath(key) : path + "." + ConfigUtil.joinPath(key), this);
  }

  /**
   * Reads this value as a section (an object) whose keys must all be in {@code known}; an unknown
   * key, usually a typo, is reported with the nearest known key and the whole list.
   *
   * @param what what the section is, for messages ("a memory section")
   * @return the children by key, for the known keys that are present
   */
  Map<String, ConfigNode> section(String what, List<String> known) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw problem("expected " + what + " in braces { ... }, not " + describe());
    }
    Map<String, ConfigNode> children = new LinkedHashMap<>();
    for (String key : known) {
      ConfigNode child = child(key);
      if (child != null) {
        children.put(key, child);
      }
    }
    if (children.size() < ((ConfigObject) value).size()) {
      List<ConfigNode> unknown = new ArrayList<>();
      for (String key : ((ConfigObject) value).keySet()) {
        if (!known.contains(key)) {
          unknown.add(child(key));
        }
      }
      unknown.sort((a, b) -> Integer.compare(a.line, b.line));
      ConfigNode first = unknown.get(0);
      String nearest = TierOptions.nearest(first.key(), known);
      throw first.problem("unknown key '" + first.key() + "' in " + what
          + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
          + " The keys of " + what + " are: " + String.join(", ", known));
    }
    return children;
  }

  /** Returns the children of an object whose keys are names (caches), sorted by line. */
  List<ConfigNode> namedChildren(String what) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw problem("expected " + what + " in braces { ... }, not " + describe());
    }
    List<ConfigNode> children = new ArrayList<>();
    for (String key : ((ConfigObject) value).keySet()) {
      children.add(child(key));
    }
    // HOCON does not keep the order of keys; the line does (caches on one line: by path).
    children.sort((a, b) -> a.line != b.line ? Integer.compare(a.line, b.line)
        : a.path.compareTo(b.path));
    return children;
  }

  /** Reads this value as a list. */
  List<ConfigNode> elements(String what) {
    if (value.valueType() != ConfigValueType.LIST) {
      throw problem("expected " + what + " in brackets [ ... ], not " + describe());
    }
    ConfigList list = (ConfigList) value;
    List<ConfigNode> elements = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      ConfigValue unresolvedElement = null;
      if (unresolved instanceof ConfigList u && u.size() == list.size()) {
        unresolvedElement = u.get(i);
      }
      elements.add(new ConfigNode(file, list.get(i), unresolvedElement, "[" + i + "]",
          path + "[" + i + "]", this));
    }
    return elements;
  }

  // ---------------------------------------------------------------- scalars

  /** Reads {@code true} or {@code false} (HOCON also takes yes/no and on/off). */
  boolean bool() {
    try {
      return value.atKey("v").getBoolean("v");
    } catch (ConfigException e) {
      throw problem("expected true or false, not " + describe());
    }
  }

  /** Reads a non-blank string. */
  String text(String example) {
    if (value.valueType() != ConfigValueType.STRING) {
      throw problem("expected a string such as " + example + ", not " + describe());
    }
    String text = ((String) value.unwrapped()).trim();
    if (text.isEmpty()) {
      throw problem("is empty; expected a string such as " + example);
    }
    return text;
  }

  /**
   * Reads a string, a number or a boolean as text: a string as it is (stripped), a number or a
   * boolean as it was written ({@code 1000000}, {@code true}).
   */
  String scalarText(String what) {
    return switch (value.valueType()) {
      case STRING -> ((String) value.unwrapped()).strip();
      case NUMBER, BOOLEAN -> value.render(ConfigRenderOptions.concise());
      default -> throw problem("expected " + what + ", not " + describe());
    };
  }

  /** Returns whether the value is an object, a section in braces. */
  boolean isObject() {
    return value.valueType() == ConfigValueType.OBJECT;
  }

  /** Returns whether the value is a list. */
  boolean isList() {
    return value.valueType() == ConfigValueType.LIST;
  }

  /** Reads a whole number of at least 1. */
  long positiveLong(String example) {
    Number number;
    try {
      number = value.atKey("v").getNumber("v");
    } catch (ConfigException e) {
      throw problem("expected a whole number such as " + example + ", not " + describe());
    }
    if (number instanceof Double d && (d != Math.rint(d) || Math.abs(d) >= 0x1p63)) {
      throw problem("expected a whole number such as " + example + ", not " + describe());
    }
    long whole = number.longValue();
    if (whole < 1) {
      throw problem("must be at least 1, was " + whole + "; write a number such as " + example);
    }
    return whole;
  }

  /** Reads a whole number from 1 to {@link Integer#MAX_VALUE}. */
  int positiveInt(String example) {
    long whole = positiveLong(example);
    if (whole > Integer.MAX_VALUE) {
      throw problem("must be at most " + Integer.MAX_VALUE + ", was " + whole);
    }
    return (int) whole;
  }

  /** Reads a size in bytes of at least 1, in HOCON's size syntax (512k, 64m, 1g). */
  long positiveBytes() {
    long bytes;
    try {
      bytes = value.atKey("v").getBytes("v");
    } catch (ConfigException e) {
      if (value.valueType() == ConfigValueType.STRING
          && ((String) value.unwrapped()).trim().startsWith("-")) {
        throw problem("must be at least 1 byte, was " + render() + "; write a size such as 64m"
            + " or 1g");
      }
      throw problem("expected a size such as 64m or 1g (k, m, g, t count in powers of 1024;"
          + " kB, MB, GB in powers of 1000), not " + describe());
    }
    if (bytes < 1) {
      throw problem("must be at least 1 byte, was " + bytes + "; write a size such as 64m or 1g");
    }
    return bytes;
  }

  /** Reads a duration (100ms, 30s, 10m, 1h, 1d; a bare number is milliseconds). */
  Duration duration() {
    try {
      return value.atKey("v").getDuration("v");
    } catch (ConfigException e) {
      throw problem("expected a duration such as 100ms, 30s, 10m or 1h, not " + describe());
    }
  }

  /** Reads a duration longer than zero. */
  Duration positiveDuration() {
    Duration duration = duration();
    if (duration.isNegative() || duration.isZero()) {
      throw problem("must be longer than zero, was " + render() + "; write a duration such as"
          + " 100ms, 30s or 10m");
    }
    return duration;
  }

  /** Describes the value for a message: its HOCON type and how it was written. */
  String describe() {
    return switch (value.valueType()) {
      case STRING -> "the string " + render();
      case NUMBER -> "the number " + render();
      case BOOLEAN -> "the boolean " + render();
      case NULL -> "null";
      case LIST -> "a list";
      case OBJECT -> "an object";
    };
  }

  private String render() {
    String rendered = value.render(ConfigRenderOptions.concise());
    return rendered.length() > 60 ? rendered.substring(0, 57) + "..." : rendered;
  }

  private ConfigValue unresolvedChild(String key) {
    if (!(unresolved instanceof ConfigObject object)) {
      return null;
    }
    try {
      return object.get(key);
    } catch (ConfigException e) {
      // An object merged with an unresolved substitution cannot be looked into before
      // resolution; the line then comes from the parent.
      return null;
    }
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + path;
  }
}
