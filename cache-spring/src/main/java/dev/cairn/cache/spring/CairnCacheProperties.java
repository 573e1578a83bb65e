package dev.cairn.cache.spring;

import dev.cairn.cache.core.BackPressure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
 * default, which the defaults here repeat so that IDEs can show them.
 *
 * <p>A block may also hold a section named after each tier provider on the class path ({@code
 * disk} with {@code cache-disk}): its {@code enabled} and {@code directory}, and the tier's own
 * options, which only the tier knows. Such sections cannot be fields here; {@link TierSections}
 * reads them, and refuses every key that is neither a field here nor in a tier's section, as
 * {@code ignoreUnknownFields = false} would, naming the key and the keys its section knows. Every
 * key is described in {@code docs/spring.md}.
 */
@ConfigurationProperties(prefix = CairnCacheProperties.PREFIX)
public class CairnCacheProperties {

  /** The prefix of every Cairn property. */
  public static final String PREFIX = "cairn.cache";

  /**
   * Base data directory. When set, every declared cache gets a directory named after it under
   * this one, for its lower tier: the tier its block names or turns on, else the one tier on the
   * class path that keeps files (the disk tier, with cache-disk). A block whose tier section says
   * enabled=false is memory only; a tier section's own directory replaces this one.
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
     * generated keys are. A tier may store some types more compactly (the disk tier: String, Long
     * and Integer).
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

    /**
     * The lower tier, by its provider's name (disk, with cache-disk). Usually left out: a tier's
     * section (disk.directory, say) or cairn.cache.directory chooses it.
     */
    private String tier;

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

    public String getTier() {
      return tier;
    }

    public void setTier(String tier) {
      this.tier = tier;
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
     * The most entries the memory tier holds (W-TinyLFU eviction; over a lower tier an evicted
     * entry stays there). Default 10000. Not together with maximum-weight.
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

  /** The buffers and flush lanes that write changes behind to the lower tier. */
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
     * or write-through (write to the lower tier itself).
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

    /**
     * Whether memory refills from the lower tier after a restart, hottest keys first, in the
     * background.
     */
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
