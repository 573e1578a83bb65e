package dev.cairn.cache.spring;

import dev.cairn.cache.core.BackPressure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The caches an application declares under {@code cairn.cache}, one block per cache under
 * {@code cairn.cache.caches.<name>}:
 *
 * <pre>{@code
 * cairn.cache:
 *   caches:
 *     books:
 *       memory.maximum-entries: 10000
 *       expiry: { policy: created, duration: 10m }
 *       disk.directory: ./data/books
 * }</pre>
 *
 * <p>Each block, over {@code cairn.cache.defaults}, becomes a
 * {@link dev.cairn.cache.jcache.CairnConfiguration}; a setting left out keeps that class's
 * default, which the defaults here repeat so that IDEs can show them. Unknown
 * keys fail start-up ({@code ignoreUnknownFields = false}), naming the key and the keys its section
 * knows. Every key is described in {@code docs/spring.md}.
 */
@ConfigurationProperties(prefix = CairnCacheProperties.PREFIX, ignoreUnknownFields = false)
public class CairnCacheProperties {

  /** The prefix of every Cairn property. */
  public static final String PREFIX = "cairn.cache";

  /**
   * Base directory for the disk tier. When set, every declared cache is persistent, in a
   * directory named after the cache under this one, unless its block says disk.enabled=false or
   * gives a directory of its own.
   */
  private Path directory;

  /**
   * Settings every declared cache starts from; a cache's own block overrides them key by key
   * (an expiry section, and a memory bound, as a whole).
   */
  private final CacheSpec defaults = new CacheSpec();

  /**
   * The caches to create, by name; each block has the keys of cairn.cache.defaults. A name
   * holding dots or capitals goes in brackets: cairn.cache.caches[Books.v2].
   */
  private Map<String, CacheSpec> caches = new LinkedHashMap<>();

  public Path getDirectory() {
    return directory;
  }

  public void setDirectory(Path directory) {
    this.directory = directory;
  }

  public CacheSpec getDefaults() {
    return defaults;
  }

  public Map<String, CacheSpec> getCaches() {
    return caches;
  }

  public void setCaches(Map<String, CacheSpec> caches) {
    this.caches = caches;
  }

  /** One cache's settings: {@code cairn.cache.caches.<name>}. */
  public static class CacheSpec {

    /**
     * The keys' type; the cache refuses others. Object (the default) accepts what Spring's
     * generated keys are. String, Long and Integer keys are stored compactly on disk.
     */
    private Class<?> keyType = Object.class;

    /** The values' type; the cache refuses others. */
    private Class<?> valueType = Object.class;

    /**
     * Whether keys and values are copied (through Java serialization) as they enter and leave
     * the cache, as JSR-107 defaults to. Off by default, as Spring's other caches are: callers get
     * the very object that was put while it is in memory.
     */
    private boolean storeByValue = false;

    /** Whether the cache keeps statistics; binding its meters turns them on anyway. */
    private boolean statistics = false;

    /** Whether the cache registers its configuration and statistics MXBeans with JMX. */
    private boolean management = false;

    private Memory memory = new Memory();
    private Expiry expiry = new Expiry();
    private final Disk disk = new Disk();
    private final WriteBehind writeBehind = new WriteBehind();
    private final WarmUp warmUp = new WarmUp();

    public Class<?> getKeyType() {
      return keyType;
    }

    public void setKeyType(Class<?> keyType) {
      this.keyType = keyType;
    }

    public Class<?> getValueType() {
      return valueType;
    }

    public void setValueType(Class<?> valueType) {
      this.valueType = valueType;
    }

    public boolean isStoreByValue() {
      return storeByValue;
    }

    public void setStoreByValue(boolean storeByValue) {
      this.storeByValue = storeByValue;
    }

    public boolean isStatistics() {
      return statistics;
    }

    public void setStatistics(boolean statistics) {
      this.statistics = statistics;
    }

    public boolean isManagement() {
      return management;
    }

    public void setManagement(boolean management) {
      this.management = management;
    }

    public Memory getMemory() {
      return memory;
    }

    /** Forgets the memory bound: a cache's own bound replaces the defaults' as a whole. */
    void resetMemory() {
      this.memory = new Memory();
    }

    public Expiry getExpiry() {
      return expiry;
    }

    /** Forgets the expiry: a cache's own expiry section replaces the defaults' as a whole. */
    void resetExpiry() {
      this.expiry = new Expiry();
    }

    public Disk getDisk() {
      return disk;
    }

    public WriteBehind getWriteBehind() {
      return writeBehind;
    }

    public WarmUp getWarmUp() {
      return warmUp;
    }
  }

  /** How the memory tier is bounded: by entries, or by weight with a weigher. */
  public static class Memory {

    /**
     * The most entries the memory tier holds (W-TinyLFU eviction; over a disk tier an evicted
     * entry stays on disk). Default 10000. Not together with maximum-weight.
     */
    private Long maximumEntries;

    /** The most total weight the memory tier holds, as the weigher weighs entries. */
    private Long maximumWeight;

    /**
     * Class of the dev.cairn.cache.core.Weigher that weighs entries for maximum-weight; public,
     * with a public no-argument constructor.
     */
    private Class<?> weigher;

    public Long getMaximumEntries() {
      return maximumEntries;
    }

    public void setMaximumEntries(Long maximumEntries) {
      this.maximumEntries = maximumEntries;
    }

    public Long getMaximumWeight() {
      return maximumWeight;
    }

    public void setMaximumWeight(Long maximumWeight) {
      this.maximumWeight = maximumWeight;
    }

    public Class<?> getWeigher() {
      return weigher;
    }

    public void setWeigher(Class<?> weigher) {
      this.weigher = weigher;
    }
  }

  /** When entries expire, as JSR-107's expiry policies say. */
  public static class Expiry {

    /**
     * Which JSR-107 policy: eternal (never), created (a time to live from creation), accessed
     * (from the last read or creation), modified (from the last write) or touched (from any).
     */
    private ExpiryPolicyKind policy = ExpiryPolicyKind.ETERNAL;

    /** How long after the policy's event an entry expires; at least 1ms, in whole milliseconds. */
    private Duration duration;

    public ExpiryPolicyKind getPolicy() {
      return policy;
    }

    public void setPolicy(ExpiryPolicyKind policy) {
      this.policy = policy;
    }

    public Duration getDuration() {
      return duration;
    }

    public void setDuration(Duration duration) {
      this.duration = duration;
    }
  }

  /** JSR-107's expiry policies, by the event that starts an entry's time. */
  public enum ExpiryPolicyKind {
    /** Entries never expire. */
    ETERNAL,
    /** Entries expire the duration after they were created. */
    CREATED,
    /** Entries expire the duration after they were created or last read. */
    ACCESSED,
    /** Entries expire the duration after they were created or last written. */
    MODIFIED,
    /** Entries expire the duration after they were created, read or written. */
    TOUCHED
  }

  /** The persistent disk tier under the memory tier. */
  public static class Disk {

    /**
     * Whether the cache has a disk tier. By default it has one when it has a directory, its own
     * or under cairn.cache.directory.
     */
    private Boolean enabled;

    /**
     * The cache's own directory (in a cache's block; for a base directory shared by every cache,
     * set cairn.cache.directory); one cache per directory, locked while open. Relative paths
     * resolve against the working directory.
     */
    private Path directory;

    /** The most entries the disk keeps (expired ones go first); no bound by default. */
    private Long maximumEntries;

    /** The most bytes of serialized keys and values the disk keeps; no bound by default. */
    private DataSize maximumBytes;

    /**
     * Classes Java serialization may read back from disk besides the key and value types, the
     * JDK's value classes and Spring's cache keys: ObjectInputFilter patterns such as
     * com.example.model.* or com.example.Book.
     */
    private List<String> allowedClasses = new ArrayList<>();

    /** Journal bytes per segment between checkpoints; the disk tier's default when unset. */
    private DataSize checkpointAfter;

    /**
     * How often expired entries are purged from disk in the background; 0 turns the purge off.
     * The disk tier's default when unset.
     */
    private Duration purgeInterval;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Path getDirectory() {
      return directory;
    }

    public void setDirectory(Path directory) {
      this.directory = directory;
    }

    public Long getMaximumEntries() {
      return maximumEntries;
    }

    public void setMaximumEntries(Long maximumEntries) {
      this.maximumEntries = maximumEntries;
    }

    public DataSize getMaximumBytes() {
      return maximumBytes;
    }

    public void setMaximumBytes(DataSize maximumBytes) {
      this.maximumBytes = maximumBytes;
    }

    public List<String> getAllowedClasses() {
      return allowedClasses;
    }

    public void setAllowedClasses(List<String> allowedClasses) {
      this.allowedClasses = allowedClasses;
    }

    public DataSize getCheckpointAfter() {
      return checkpointAfter;
    }

    public void setCheckpointAfter(DataSize checkpointAfter) {
      this.checkpointAfter = checkpointAfter;
    }

    public Duration getPurgeInterval() {
      return purgeInterval;
    }

    public void setPurgeInterval(Duration purgeInterval) {
      this.purgeInterval = purgeInterval;
    }
  }

  /** The buffers and flush lanes that write changes behind to the disk tier. */
  public static class WriteBehind {

    /** How many segments keys are spread over, each with its own buffer and flush lane. */
    private int segments = 8;

    /** The longest a write waits in the buffer: the most a crash can lose. */
    private Duration flushInterval = Duration.ofMillis(100);

    /** The most entries one flush writes to a segment. */
    private int batchSize = 512;

    /** Distinct keys waiting per segment before writers meet the back-pressure. */
    private int bufferCapacity = 16_384;

    /**
     * What a writer meeting a full buffer does: block (wait up to back-pressure-timeout for room)
     * or write-through (write to disk itself).
     */
    private BackPressure backPressure = BackPressure.BLOCK;

    /** How long a blocked writer waits for room before its write fails. */
    private Duration backPressureTimeout = Duration.ofSeconds(30);

    public int getSegments() {
      return segments;
    }

    public void setSegments(int segments) {
      this.segments = segments;
    }

    public Duration getFlushInterval() {
      return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
      this.flushInterval = flushInterval;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public int getBufferCapacity() {
      return bufferCapacity;
    }

    public void setBufferCapacity(int bufferCapacity) {
      this.bufferCapacity = bufferCapacity;
    }

    public BackPressure getBackPressure() {
      return backPressure;
    }

    public void setBackPressure(BackPressure backPressure) {
      this.backPressure = backPressure;
    }

    public Duration getBackPressureTimeout() {
      return backPressureTimeout;
    }

    public void setBackPressureTimeout(Duration backPressureTimeout) {
      this.backPressureTimeout = backPressureTimeout;
    }
  }

  /** Filling the memory tier at start. */
  public static class WarmUp {

    /** Whether memory refills from disk after a restart, hottest keys first, in the background. */
    private boolean restart = true;

    /**
     * Name of a bean implementing dev.cairn.cache.core.WarmUpLoader that preloads keys from the
     * system of record at start, in batches.
     */
    private String loader;

    /** Keys per loadAll call of the warm-up loader. */
    private int batchSize = 256;

    public boolean isRestart() {
      return restart;
    }

    public void setRestart(boolean restart) {
      this.restart = restart;
    }

    public String getLoader() {
      return loader;
    }

    public void setLoader(String loader) {
      this.loader = loader;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }
  }
}
