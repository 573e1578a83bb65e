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
 * A JCache configuration with Cairn's tier settings: how the memory tier is bounded, and whether a
 * persistent disk tier sits under it, flushed write-behind.
 *
 * <p>Everything {@link MutableConfiguration} offers works as the JSR-107 says. Without
 * {@link #setDiskDirectory} the cache is memory only; with it, every entry is also kept in that
 * directory (the disk tier, found on the class path by name: add {@code cache-disk}), written
 * behind in batches, and the cache reopens with its entries after a restart.
 *
 * <pre>{@code
 * CairnConfiguration<String, User> users = new CairnConfiguration<String, User>()
 *     .setTypes(String.class, User.class)
 *     .setMaximumEntries(50_000)
 *     .setDiskDirectory(Path.of("/var/cache/app/users"))
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
  // A String, not a Path: configurations are Serializable and Path is not.
  private String diskDirectory;
  private long diskMaximumEntries = -1;
  private long diskMaximumBytes = -1;
  private final TreeMap<String, String> diskOptions = new TreeMap<>();
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
      diskDirectory = cairn.diskDirectory;
      diskMaximumEntries = cairn.diskMaximumEntries;
      diskMaximumBytes = cairn.diskMaximumBytes;
      diskOptions.putAll(cairn.diskOptions);
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
   * Default {@value #DEFAULT_MAXIMUM_ENTRIES}. Over a disk tier, an entry evicted from memory stays
   * on disk; in a memory-only cache it is gone.
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

  // ---------------------------------------------------------------- disk tier

  /**
   * Keeps every entry in this directory too, in Cairn's disk tier, so the cache is persistent; one
   * directory per cache, locked while the cache is open. {@code null} makes the cache memory only
   * again (the default).
   */
  public CairnConfiguration<K, V> setDiskDirectory(Path directory) {
    this.diskDirectory = directory == null ? null : directory.toString();
    return this;
  }

  /** Returns the disk tier's directory, or {@code null} for a memory-only cache. */
  public Path getDiskDirectory() {
    return diskDirectory == null ? null : Path.of(diskDirectory);
  }

  /**
   * Bounds the disk tier to this many entries, evicting expired entries first; -1 (the default)
   * for no bound. Entries evicted from disk are gone.
   */
  public CairnConfiguration<K, V> setDiskMaximumEntries(long entries) {
    this.diskMaximumEntries = noneOrPositive(entries, "diskMaximumEntries");
    return this;
  }

  /** Returns the disk tier's bound in entries, or -1 for none. */
  public long getDiskMaximumEntries() {
    return diskMaximumEntries;
  }

  /** Bounds the bytes of entries the disk tier keeps; -1 (the default) for no bound. */
  public CairnConfiguration<K, V> setDiskMaximumBytes(long bytes) {
    this.diskMaximumBytes = noneOrPositive(bytes, "diskMaximumBytes");
    return this;
  }

  /** Returns the disk tier's bound in bytes, or -1 for none. */
  public long getDiskMaximumBytes() {
    return diskMaximumBytes;
  }

  /**
   * Sets one of the disk tier's own options: {@code allowed-classes} (the classes Java
   * serialization may read back from disk besides the key and value types and the JDK's value
   * classes, as {@code ObjectInputFilter} patterns separated by commas), {@code checkpoint-after}
   * (journal bytes between checkpoints) or {@code purge-interval} (an ISO-8601 duration; {@code
   * PT0S} turns the background purge of expired entries off). The disk tier refuses names it does
   * not know when the cache is created.
   */
  public CairnConfiguration<K, V> setDiskOption(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    diskOptions.put(name, value);
    return this;
  }

  /** Returns the disk tier's own options, by name. */
  public Map<String, String> getDiskOptions() {
    return Map.copyOf(diskOptions);
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
   * Sets how long a write may wait in the buffer before it is flushed to disk: the window a crash
   * can lose. Default 100 ms.
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
   * timeout for room (the default, 30 s), {@link BackPressure#WRITE_THROUGH} writes to disk itself.
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
   * kind of per-segment buffer and flush lanes that feed the disk tier, with the settings above
   * (segments, flush interval, batch size, buffer capacity, back-pressure). Changes of one key are
   * coalesced, so the writer sees the latest; they reach it in batches through {@code writeAll}
   * and {@code deleteAll}, in the order they were made per key; a batch the writer fails is
   * retried with back-off, so it may see a change twice; closing the cache hands it everything
   * still waiting. A writer's failure no longer reaches the caller, except under
   * {@link BackPressure#WRITE_THROUGH} when the buffer is full. What waits for the writer is kept
   * in memory only: a process that dies loses it, even when the disk tier kept the values.
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
   * Sets whether the memory tier refills from disk at start, hottest keys first, in the
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
        && Objects.equals(diskDirectory, other.diskDirectory)
        && diskMaximumEntries == other.diskMaximumEntries
        && diskMaximumBytes == other.diskMaximumBytes && diskOptions.equals(other.diskOptions)
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
    return 31 * super.hashCode() + Objects.hash(maximumEntries, maximumWeight, diskDirectory,
        segments, flushInterval, flushBatchSize, writeBufferCapacity, backPressure, warmRestart);
  }

  private static long noneOrPositive(long value, String what) {
    if (value != -1 && value < 1) {
      throw new IllegalArgumentException(what + " must be positive, or -1 for no bound, was "
          + value);
    }
    return value;
  }

  private static Duration positive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    return duration;
  }
}
