package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierOptions;
import dev.cairn.cache.core.tier.TierProvider;
import dev.cairn.cache.core.tier.TierSpec;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Offers the {@link DiskTier} by the name {@code "disk"} through {@link TierProvider}, so that a
 * layer configured by name (the JCache provider) can put a persistent tier under its caches without
 * seeing a type of this module or of MapDB.
 *
 * <p><b>Serialization.</b> Keys and values of type {@code String}, {@code Long}, {@code Integer}
 * and {@code byte[]} get Cairn's compact built-ins; every other type, {@code Object} included, is
 * stored with Java serialization behind an allowlist: the JDK's value classes, the declared type,
 * the two classes Spring's cache abstraction puts into every cache on its own (its key of several
 * parameters, {@code SimpleKey}, and its placeholder for {@code null}, {@code NullValue}), and the
 * {@code allowed-classes} option. Classes read back are resolved with the spec's class
 * loader. A directory must be reopened with the types it was written with: a {@code String} stored
 * under a declared {@code String} type and one stored under {@code Object} are different bytes.
 *
 * <p><b>Keys typed {@code Object}</b>, as a JCache cache that declares no types has them, must
 * meet two conditions to be found again after a restart, which no check here can enforce:
 *
 * <ul>
 *   <li>Their {@code hashCode} must be the same in every JVM, since it picks the key's segment.
 *       {@code String}, the boxed numbers, {@code Boolean} and {@code Character} qualify, and so
 *       does a class whose {@code hashCode} combines such fields by a formula of its own (a
 *       record's generated one is unspecified, so a JDK upgrade may change it). An {@code enum}
 *       does not (its hash code is the object's identity), nor does a class that keeps {@code
 *       Object}'s, nor anything holding one. Such a key is looked for in the wrong segment after a
 *       restart: its entry is not found, and stays on disk until it is evicted or the cache
 *       cleared. With one segment the hash does not matter.
 *   <li>Equal keys must serialize to equal bytes, since the disk looks keys up by their bytes: a
 *       {@code HashSet} key may not, as its bytes follow its iteration order.
 * </ul>
 *
 * <p><b>Directory.</b> The tier keeps its files in the {@link TierSpec#directory() directory} the
 * layer above gives the cache (in a JCache configuration file or Spring properties, the
 * {@code directory} of the tier's section; a base directory given for several caches gets one
 * subdirectory per cache); a cache without one is refused.
 *
 * <p><b>Options</b>, all optional; any other name is refused, naming the nearest known one:
 *
 * <ul>
 *   <li>{@code maximum-entries}: the tier's bound in entries ({@link DiskTier#maximumEntries}),
 *       a whole number of at least 1. Entries evicted from disk are gone from the cache.
 *   <li>{@code maximum-bytes}: the bound on serialized keys and values ({@link
 *       DiskTier#maximumBytes}), a size such as {@code 4096}, {@code 512m} or {@code 4g}.
 *   <li>{@code allowed-classes}: more classes Java serialization may read back, as {@link
 *       java.io.ObjectInputFilter} patterns separated by commas, such as {@code
 *       com.example.model.*, com.example.api.**}. A class outside the allowlist in a file is
 *       refused before it is instantiated.
 *   <li>{@code checkpoint-after}: journal bytes per segment between checkpoints ({@link
 *       DiskTier#checkpointAfter(long)}), a size such as {@code 64m}.
 *   <li>{@code purge-interval}: how often expired entries leave the disk ({@link
 *       DiskTier#purgeInterval(Duration)}), an ISO-8601 duration such as {@code PT1M} or a short
 *       one such as {@code 1m}; {@code 0} turns the background purge off.
 * </ul>
 */
public final class DiskTierProvider implements TierProvider {

  static final String NAME = "disk";
  static final String MAXIMUM_ENTRIES = "maximum-entries";
  static final String MAXIMUM_BYTES = "maximum-bytes";
  static final String ALLOWED_CLASSES = "allowed-classes";
  static final String CHECKPOINT_AFTER = "checkpoint-after";
  static final String PURGE_INTERVAL = "purge-interval";

  private static final List<String> OPTIONS = List.of(MAXIMUM_ENTRIES, MAXIMUM_BYTES,
      ALLOWED_CLASSES, CHECKPOINT_AFTER, PURGE_INTERVAL);
  /**
   * Classes a framework puts into caches on its own, which no user declares or lists: Spring's
   * cache key of several parameters and its placeholder for {@code null}. Named here, by name
   * only, rather than by the Spring layer, which must not know this tier's options; what they
   * hold (a key's parameters) passes the allowlist on its own.
   */
  static final List<String> FRAMEWORK_CLASSES = List.of(
      "org.springframework.cache.interceptor.SimpleKey",
      "org.springframework.cache.support.NullValue");
  private static final String ALLOWED_SYNTAX = "ObjectInputFilter class or package patterns"
      + " separated by commas, such as com.example.model.*, com.example.api.**";
  // What a directory holds after a crash between taking the lock and writing the header.
  private static final Set<String> BEFORE_HEADER =
      Set.of(DirectoryLock.FILE_NAME, DiskFormat.FILE_NAME + ".tmp");
  private static final System.Logger LOG = System.getLogger(DiskTierProvider.class.getName());

  /** Called by {@link java.util.ServiceLoader}. */
  public DiskTierProvider() {
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The disk tier keeps its files in the directory it is given. */
  @Override
  public boolean usesDirectory() {
    return true;
  }

  @Override
  public void validate(TierOptions options) {
    options.requireOnly(OPTIONS);
    options.positive(MAXIMUM_ENTRIES, LowerTier.UNBOUNDED);
    options.bytes(MAXIMUM_BYTES, LowerTier.UNBOUNDED);
    allowedClasses(options);
    options.bytes(CHECKPOINT_AFTER, DiskTier.DEFAULT_CHECKPOINT_BYTES);
    options.duration(PURGE_INTERVAL, Duration.ZERO);
  }

  /**
   * Creates a disk tier over the spec's directory, as its options say.
   *
   * @throws IllegalArgumentException if the spec has no directory, names an unknown option or
   *     gives an option a value it cannot use
   */
  @Override
  public <K, V> LowerTier<K, V> create(TierSpec<K, V> spec) {
    Path directory = directoryOf(spec);
    TierOptions options = spec.options();
    validate(options);
    List<String> allowed = allowedClasses(options);
    DiskTier<K, V> tier = DiskTier.of(directory, serializer(spec, spec.keyType(), allowed),
        serializer(spec, spec.valueType(), allowed));
    long maximumEntries = options.positive(MAXIMUM_ENTRIES, LowerTier.UNBOUNDED);
    if (maximumEntries != LowerTier.UNBOUNDED) {
      tier.maximumEntries(maximumEntries);
    }
    long maximumBytes = options.bytes(MAXIMUM_BYTES, LowerTier.UNBOUNDED);
    if (maximumBytes != LowerTier.UNBOUNDED) {
      tier.maximumBytes(maximumBytes);
    }
    if (options.has(CHECKPOINT_AFTER)) {
      tier.checkpointAfter(options.bytes(CHECKPOINT_AFTER, DiskTier.DEFAULT_CHECKPOINT_BYTES));
    }
    if (options.has(PURGE_INTERVAL)) {
      tier.purgeInterval(options.duration(PURGE_INTERVAL, Duration.ZERO));
    }
    return tier;
  }

  /**
   * Deletes the tier's directory and everything in it, if it exists. Refuses, deleting nothing,
   * when a tier has the directory open (in this process or another), and when the directory is
   * not one Cairn wrote (no {@code cairn.format} header) and is not empty, so a misconfigured path
   * never costs the user their files. The header goes last: a destroy that fails halfway leaves a
   * directory a new destroy accepts.
   *
   * @throws IllegalArgumentException if the spec has no directory
   * @throws DiskTierException naming the path if the directory is in use, not Cairn's, or cannot
   *     be deleted
   */
  @Override
  public void destroy(TierSpec<?, ?> spec) {
    Path directory = directoryOf(spec).toAbsolutePath();
    if (!Files.exists(directory)) {
      return;
    }
    if (!Files.isDirectory(directory)) {
      throw new DiskTierException("Cannot destroy the disk tier of cache '" + spec.cacheName()
          + "': " + directory + " is a file, not a disk tier directory. Nothing was deleted");
    }
    try {
      Path real = directory.toRealPath();
      if (!DiskFormat.hasHeader(real) && !onlyBeforeHeader(real)) {
        throw new DiskTierException("Refusing to destroy the disk tier of cache '"
            + spec.cacheName() + "': " + directory + " has no " + DiskFormat.FILE_NAME + " header"
            + " and is not empty, so it is not a directory Cairn wrote. Nothing was deleted;"
            + " check the cache's directory");
      }
      deleteLocked(real, directory, spec.cacheName());
      // Through a link, the link stays and keeps its (now empty) directory, ready to reopen.
      if (!Files.isSymbolicLink(directory)) {
        Files.delete(real);   // not the tree: what is there now was made by an open since
        DiskFiles.forceDirectory(real.getParent());
      }
    } catch (DirectoryNotEmptyException e) {
      throw new DiskTierException("The disk tier of cache '" + spec.cacheName() + "' in "
          + directory + " was deleted, but a cache opened the directory again meanwhile; what it"
          + " wrote there was left alone", e);
    } catch (IOException e) {
      throw new DiskTierException("Destroying the disk tier of cache '" + spec.cacheName()
          + "' in " + directory + " failed: " + e + ". What is left can be destroyed again", e);
    }
    LOG.log(Level.INFO, "Destroyed the disk tier of cache ''{0}'' in {1}", spec.cacheName(),
        directory);
  }

  private static boolean onlyBeforeHeader(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.allMatch(p -> BEFORE_HEADER.contains(p.getFileName().toString()));
    }
  }

  /** Deletes the directory's content under its lock, the header and the lock file last. */
  private static void deleteLocked(Path directory, Path asGiven, String cacheName)
      throws IOException {
    Path header = directory.resolve(DiskFormat.FILE_NAME);
    Path lockFile = directory.resolve(DirectoryLock.FILE_NAME);
    try (DirectoryLock lock = DirectoryLock.tryAcquire(directory)) {
      if (lock == null) {
        throw new DiskTierException("Cannot destroy the disk tier of cache '" + cacheName + "': "
            + asGiven + " is in use by an open cache, in this process or another (it holds the"
            + " lock on " + DirectoryLock.FILE_NAME + "). Close the cache first. Nothing was"
            + " deleted");
      }
      List<Path> entries;
      try (Stream<Path> list = Files.list(directory)) {
        entries = new ArrayList<>(list.filter(p -> !p.equals(header) && !p.equals(lockFile))
            .toList());
      }
      for (Path entry : entries) {
        DiskFiles.deleteTree(entry);
      }
      DiskFiles.deleteDurably(header);
      // Deleted while held, so an open racing with the deletion is refused, not half-deleted.
      DiskFiles.deleteDurably(lockFile);
    }
  }

  private static Path directoryOf(TierSpec<?, ?> spec) {
    if (spec.directory() == null) {
      throw new IllegalArgumentException("Cache '" + spec.cacheName() + "' has no directory, but"
          + " a disk tier needs a directory to keep its files in: give the cache one");
    }
    return spec.directory();
  }

  private static List<String> allowedClasses(TierOptions options) {
    String value = options.get(ALLOWED_CLASSES);
    List<String> patterns = new ArrayList<>(FRAMEWORK_CLASSES);
    if (value == null) {
      return patterns;
    }
    for (String pattern : value.split(",")) {
      // ';' would smuggle in more patterns and '=' a limit: each entry names classes, no more
      if (pattern.contains(";") || pattern.contains("=")) {
        throw options.badValue(ALLOWED_CLASSES, ALLOWED_SYNTAX, null);
      }
      if (!pattern.isBlank()) {
        patterns.add(pattern.strip());
      }
    }
    try {
      ObjectInputFilter.Config.createFilter(String.join(";", patterns));
    } catch (IllegalArgumentException e) {
      throw options.badValue(ALLOWED_CLASSES, ALLOWED_SYNTAX, e);
    }
    return patterns;
  }

  private static <T> Serializer<T> serializer(TierSpec<?, ?> spec, Class<T> type,
      List<String> allowed) {
    if (type == String.class || type == Long.class || type == Integer.class
        || type == byte[].class) {
      return Serializers.forClass(type);
    }
    return Serializers.java(type, spec.classLoader(), allowed, "Add it to the disk tier option "
        + ALLOWED_CLASSES + " of cache '" + spec.cacheName() + "' if it is yours");
  }
}
