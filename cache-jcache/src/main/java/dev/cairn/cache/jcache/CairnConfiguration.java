package dev.cairn.cache.jcache;

import dev.cairn.cache.core.BackPressure;
import dev.cairn.cache.core.WarmUpLoader;
import dev.cairn.cache.core.Weigher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;

/**
 * A JCache configuration with Cairn's tier settings: how the memory tier is bounded, and which
 * lower tier, if any, sits under it, flushed write-behind.
 *
 * <p>Everything {@link MutableConfiguration} offers works as the JSR-107 says. Without a lower tier
 * the cache is memory only. {@link #setLowerTier} names one by its provider's name (a
 * {@link dev.cairn.cache.core.tier.TierProvider} found on the class path: {@code cache-disk} offers
 * {@code "disk"}); every entry is then also kept there, written behind in batches.
 * {@link #setDirectory} gives the cache a data directory of its own, for a tier that keeps files;
 * a directory without a tier name takes the one tier on the class path that keeps files in a
 * directory. {@link #setLowerTierOption} sets the tier's own options, which only the tier
 * understands: it checks them when the cache is created.
 *
 * <pre>{@code
 * CairnConfiguration<String, User> users = new CairnConfiguration<String, User>()
 *     .setTypes(String.class, User.class)
 *     .setMaximumEntries(50_000)
 *     .setLowerTier("disk")
 *     .setDirectory(Path.of("/var/cache/app/users"))
 *     .setLowerTierOption("maximum-entries", "100000")
 *     .setFlushInterval(Duration.ofMillis(200));
 * cacheManager.createCache("users", users);
 * }</pre>
 *
 * <p>Like every JCache configuration this one is copied when a cache is created, so changing it
 * afterwards changes nothing; and it is {@link java.io.Serializable}: loaders, writers, weighers and
 * warm-up loaders are given as {@link Factory factories}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class CairnConfiguration<K, V> extends MutableConfiguration<K, V> {

  private static final long serialVersionUID = 1L;

  /** The memory tier's bound when none is set, in entries. */
  public static final long DEFAULT_MAXIMUM_ENTRIES = 10_000;

  private long maximumEntries = DEFAULT_MAXIMUM_ENTRIES;
  private long maximumWeight = -1;
  private Factory<? extends Weigher<? super K, ? super V>> weigherFactory;
  private String lowerTier;
  // A String, not a Path: configurations are Serializable and Path is not.
  private String directory;
  private final TreeMap<String, String> lowerTierOptions = new TreeMap<>();
  private int segments = 8;
  private Duration flushInterval = Duration.ofMillis(100);
  private int flushBatchSize = 512;
  private int writeBufferCapacity = 16_384;
  private BackPressure backPressure = BackPressure.BLOCK;
  private Duration backPressureTimeout = Duration.ofSeconds(30);
  private boolean writeBehindToWriter;
  private boolean warmRestart = true;
  private Factory<? extends WarmUpLoader<K, V>> warmUpLoaderFactory;
  private int warmUpBatchSize = 256;

  /** Creates a configuration with the JSR-107 defaults and Cairn's: memory only, 10,000 entries. */
  public CairnConfiguration() {
  }

  /**
   * Copies a configuration; Cairn's settings too if it is a {@code CairnConfiguration}, else they
   * keep their defaults.
   */
  public CairnConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof CairnConfiguration<K, V> cairn) {
      maximumEntries = cairn.maximumEntries;
      maximumWeight = cairn.maximumWeight;
      weigherFactory = cairn.weigherFactory;
      lowerTier = cairn.lowerTier;
      directory = cairn.directory;
      lowerTierOptions.putAll(cairn.lowerTierOptions);
      segments = cairn.segments;
      flushInterval = cairn.flushInterval;
      flushBatchSize = cairn.flushBatchSize;
      writeBufferCapacity = cairn.writeBufferCapacity;
      backPressure = cairn.backPressure;
      backPressureTimeout = cairn.backPressureTimeout;
      writeBehindToWriter = cairn.writeBehindToWriter;
      warmRestart = cairn.warmRestart;
      warmUpLoaderFactory = cairn.warmUpLoaderFactory;
      warmUpBatchSize = cairn.warmUpBatchSize;
    }
  }

  @Override
  public CairnConfiguration<K, V> setTypes(Class<K> keyType, Class<V> valueType) {
    super.setTypes(keyType, valueType);
    return this;
  }

  // ---------------------------------------------------------------- memory tier

  /**
   * Bounds the memory tier to this many entries (W-TinyLFU eviction); replaces a weight bound.
   * Default {@value #DEFAULT_MAXIMUM_ENTRIES}. Over a lower tier, an entry evicted from memory
   * stays there; in a memory-only cache it is gone.
   */
  public CairnConfiguration<K, V> setMaximumEntries(long entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("maximumEntries must be zero or more, was " + entries);
    }
    this.maximumEntries = entries;
    this.maximumWeight = -1;
    this.weigherFactory = null;
    return this;
  }

  /** Returns the memory tier's bound in entries, or -1 when it is bounded by weight. */
  public long getMaximumEntries() {
    return maximumWeight >= 0 ? -1 : maximumEntries;
  }

  /** Bounds the memory tier by the total weight of its entries, as the weigher weighs them. */
  public CairnConfiguration<K, V> setMaximumWeight(long weight,
      Factory<? extends Weigher<? super K, ? super V>> weigher) {
    if (weight < 0) {
      throw new IllegalArgumentException("maximumWeight must be zero or more, was " + weight);
    }
    this.weigherFactory = Objects.requireNonNull(weigher, "weigher");
    this.maximumWeight = weight;
    return this;
  }

  /** Returns the memory tier's bound in weight, or -1 when it is bounded by entries. */
  public long getMaximumWeight() {
    return maximumWeight;
  }

  /** Returns the factory of the weigher, or {@code null} when bounded by entries. */
  public Factory<? extends Weigher<? super K, ? super V>> getWeigherFactory() {
    return weigherFactory;
  }

  // ---------------------------------------------------------------- lower tier

  /**
   * Puts a lower tier under the memory tier: the provider of that name on the cache manager's
   * class path ({@code "disk"} with {@code cache-disk}). The cache then keeps every entry there
   * too, written behind. {@code null} (the default) names none: the cache is memory only, unless
   * it has a {@link #setDirectory directory}.
   *
   * @throws IllegalArgumentException if the name is blank
   */
  public CairnConfiguration<K, V> setLowerTier(String providerName) {
    if (providerName != null && providerName.isBlank()) {
      throw new IllegalArgumentException("A lower tier's name must not be blank; use null for a"
          + " memory-only cache");
    }
    this.lowerTier = providerName == null ? null : providerName.strip();
    return this;
  }

  /** Returns the name of the lower tier's provider, or {@code null} if none is named. */
  public String getLowerTier() {
    return lowerTier;
  }

  /**
   * Gives the cache a data directory of its own, handed to its lower tier (a tier that keeps files
   * keeps them there; one cache per directory). With a directory but no
   * {@link #setLowerTier tier name}, the cache takes the one tier on the class path that keeps
   * files in a directory, and refuses to be created if there is none or more than one.
   * {@code null} (the default) gives none.
   */
  public CairnConfiguration<K, V> setDirectory(Path directory) {
    this.directory = directory == null ? null : directory.toString();
    return this;
  }

  /** Returns the cache's data directory, or {@code null} if it has none. */
  public Path getDirectory() {
    return directory == null ? null : Path.of(directory);
  }

  /**
   * Sets one of the lower tier's own options, as text (a list as its elements joined with commas);
   * a {@code null} value removes it. Only the tier knows what its options mean: it refuses a name
   * it does not know, or a value it cannot use, when the cache is created, naming the cache and
   * the option. The options of Cairn's disk tier are listed in {@code docs/configuration.md}.
   */
  public CairnConfiguration<K, V> setLowerTierOption(String name, String value) {
    Objects.requireNonNull(name, "name");
    if (value == null) {
      lowerTierOptions.remove(name);
    } else {
      lowerTierOptions.put(name, value);
    }
    return this;
  }

  /** Returns the lower tier's own options, by name. */
  public Map<String, String> getLowerTierOptions() {
    return Map.copyOf(lowerTierOptions);
  }

  /** Makes the cache memory only: no lower tier, no directory, no options. */
  void removeLowerTier() {
    lowerTier = null;
    directory = null;
    lowerTierOptions.clear();
  }

  // ---------------------------------------------------------------- write-behind

  /** Sets how many segments keys are spread over, each with its own flush lane. Default 8. */
  public CairnConfiguration<K, V> setSegments(int segments) {
    if (segments < 1) {
      throw new IllegalArgumentException("segments must be at least 1, was " + segments);
    }
    this.segments = segments;
    return this;
  }

  /** Returns the number of segments. */
  public int getSegments() {
    return segments;
  }

  /**
   * Sets how long a write may wait in the buffer before it is flushed to the lower tier: the window
   * a crash can lose. Default 100 ms.
   */
  public CairnConfiguration<K, V> setFlushInterval(Duration interval) {
    this.flushInterval = positive(interval, "flushInterval");
    return this;
  }

  /** Returns the flush interval. */
  public Duration getFlushInterval() {
    return flushInterval;
  }

  /** Sets the most entries one flush writes to a segment at once. Default 512. */
  public CairnConfiguration<K, V> setFlushBatchSize(int entries) {
    if (entries < 1) {
      throw new IllegalArgumentException("flushBatchSize must be at least 1, was " + entries);
    }
    this.flushBatchSize = entries;
    return this;
  }

  /** Returns the flush batch size. */
  public int getFlushBatchSize() {
    return flushBatchSize;
  }

  /**
   * Sets how many distinct keys may wait to be flushed per segment before writers get the
   * back-pressure. Default 16,384.
   */
  public CairnConfiguration<K, V> setWriteBufferCapacity(int entriesPerSegment) {
    if (entriesPerSegment < 1) {
      throw new IllegalArgumentException("writeBufferCapacity must be at least 1, was "
          + entriesPerSegment);
    }
    this.writeBufferCapacity = entriesPerSegment;
    return this;
  }

  /** Returns the write buffer's capacity per segment. */
  public int getWriteBufferCapacity() {
    return writeBufferCapacity;
  }

  /**
   * Sets what a writer meets when the buffer is full: {@link BackPressure#BLOCK} waits up to the
   * timeout for room (the default, 30 s), {@link BackPressure#WRITE_THROUGH} writes to the lower
   * tier itself.
   */
  public CairnConfiguration<K, V> setBackPressure(BackPressure backPressure, Duration timeout) {
    this.backPressure = Objects.requireNonNull(backPressure, "backPressure");
    this.backPressureTimeout = positive(timeout, "timeout");
    return this;
  }

  /** Returns the back-pressure. */
  public BackPressure getBackPressure() {
    return backPressure;
  }

  /** Returns how long a blocked writer waits. */
  public Duration getBackPressureTimeout() {
    return backPressureTimeout;
  }

  /**
   * Sets whether the {@link javax.cache.integration.CacheWriter} is called behind instead of
   * through: a write returns once the cache holds it, and the writer gets it later, from the same
   * kind of per-segment buffer and flush lanes that feed the lower tier, with the settings above
   * (segments, flush interval, batch size, buffer capacity, back-pressure). Changes of one key are
   * coalesced, so the writer sees the latest; they reach it in batches through {@code writeAll}
   * and {@code deleteAll}, in the order they were made per key; a batch the writer fails is
   * retried with back-off, so it may see a change twice; closing the cache hands it everything
   * still waiting. A writer's failure no longer reaches the caller, except under
   * {@link BackPressure#WRITE_THROUGH} when the buffer is full. What waits for the writer is kept
   * in memory only: a process that dies loses it, even when the lower tier kept the values.
   *
   * <p>Needs write-through on and a writer factory; the cache refuses to be created otherwise.
   * Default false.
   */
  public CairnConfiguration<K, V> setWriteBehindToWriter(boolean enabled) {
    this.writeBehindToWriter = enabled;
    return this;
  }

  /** Returns whether the writer is called behind (see {@link #setWriteBehindToWriter}). */
  public boolean isWriteBehindToWriter() {
    return writeBehindToWriter;
  }

  // ---------------------------------------------------------------- warm-up

  /**
   * Sets whether the memory tier refills from the lower tier at start, hottest keys first, in the
   * background. Default true.
   */
  public CairnConfiguration<K, V> setWarmRestart(boolean enabled) {
    this.warmRestart = enabled;
    return this;
  }

  /** Returns whether warm restarts are on. */
  public boolean isWarmRestart() {
    return warmRestart;
  }

  /** Sets a loader that preloads keys from the system of record at start, in batches. */
  public CairnConfiguration<K, V> setWarmUpLoaderFactory(
      Factory<? extends WarmUpLoader<K, V>> factory) {
    this.warmUpLoaderFactory = factory;
    return this;
  }

  /** Returns the warm-up loader's factory, or {@code null}. */
  public Factory<? extends WarmUpLoader<K, V>> getWarmUpLoaderFactory() {
    return warmUpLoaderFactory;
  }

  /** Sets how many keys the warm-up loader loads at once. Default 256. */
  public CairnConfiguration<K, V> setWarmUpBatchSize(int keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("warmUpBatchSize must be at least 1, was " + keys);
    }
    this.warmUpBatchSize = keys;
    return this;
  }

  /** Returns the warm-up batch size. */
  public int getWarmUpBatchSize() {
    return warmUpBatchSize;
  }

  // ---------------------------------------------------------------- identity

  @Override
  public boolean equals(Object o) {
    return o instanceof CairnConfiguration<?, ?> other && super.equals(o)
        && maximumEntries == other.maximumEntries && maximumWeight == other.maximumWeight
        && Objects.equals(weigherFactory, other.weigherFactory)
        && Objects.equals(lowerTier, other.lowerTier)
        && Objects.equals(directory, other.directory)
        && lowerTierOptions.equals(other.lowerTierOptions)
        && segments == other.segments && flushInterval.equals(other.flushInterval)
        && flushBatchSize == other.flushBatchSize
        && writeBufferCapacity == other.writeBufferCapacity
        && backPressure == other.backPressure
        && backPressureTimeout.equals(other.backPressureTimeout)
        && writeBehindToWriter == other.writeBehindToWriter
        && warmRestart == other.warmRestart
        && Objects.equals(warmUpLoaderFactory, other.warmUpLoaderFactory)
        && warmUpBatchSize == other.warmUpBatchSize;
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + Objects.hash(maximumEntries, maximumWeight, lowerTier,
        directory, segments, flushInterval, flushBatchSize, writeBufferCapacity, backPressure,
        warmRestart);
  }

  private static Duration positive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    return duration;
  }
}
