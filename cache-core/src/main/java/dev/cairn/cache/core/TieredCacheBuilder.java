package dev.cairn.cache.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalListener;
import dev.cairn.cache.core.tier.LowerTier;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Builds a {@link TieredCache}. Every setting has a default; the memory tier is always bounded
 * (10,000 entries unless told otherwise).
 *
 * <pre>{@code
 * TieredCache<String, User> users = TieredCache.<String, User>builder("users")
 *     .maximumSize(50_000)
 *     .expiry(Expiry.afterWrite(Duration.ofMinutes(10)))
 *     .lowerTier(diskTier)                 // optional: without it the cache is memory only
 *     .flushInterval(Duration.ofMillis(200))
 *     .build();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TieredCacheBuilder<K, V> {

  final String name;
  private long maximumSize = 10_000;
  private long maximumWeight = -1;
  private Weigher<? super K, ? super V> weigher;
  Expiry<? super K, ? super V> expiry;
  CacheClock clock = CacheClock.system();
  boolean statisticsEnabled;
  Executor eventExecutor = ForkJoinPool.commonPool();
  Executor maintenanceExecutor = ForkJoinPool.commonPool();
  LowerTier<K, V> lowerTier;
  private final WriteBehindSettings.Draft writeBehindDraft = new WriteBehindSettings.Draft();
  WriteBehindSettings writeBehind;
  boolean warmRestart = true;
  WarmUpLoader<K, V> warmUpLoader;
  int warmUpBatchSize = 256;
  Coherence<K> coherence;

  TieredCacheBuilder(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("A cache name must not be blank");
    }
    this.name = name;
  }

  /** Bounds the memory tier to this many entries (W-TinyLFU eviction). Default 10,000. */
  public TieredCacheBuilder<K, V> maximumSize(long entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("maximumSize must be zero or more, was " + entries);
    }
    this.maximumSize = entries;
    this.maximumWeight = -1;
    this.weigher = null;
    return this;
  }

  /** Bounds the memory tier by the total weight of its entries instead of their number. */
  public TieredCacheBuilder<K, V> maximumWeight(long weight, Weigher<? super K, ? super V> weigher) {
    if (weight < 0) {
      throw new IllegalArgumentException("maximumWeight must be zero or more, was " + weight);
    }
    this.weigher = Objects.requireNonNull(weigher, "weigher");
    this.maximumWeight = weight;
    return this;
  }

  /** Sets the expiry policy; without one, entries never expire. */
  public TieredCacheBuilder<K, V> expiry(Expiry<? super K, ? super V> expiry) {
    this.expiry = Objects.requireNonNull(expiry, "expiry");
    return this;
  }

  /** Sets the clock expiry is measured with; tests pass one they can move. */
  public TieredCacheBuilder<K, V> clock(CacheClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Counts statistics from the start (off by default, as in JSR-107). */
  public TieredCacheBuilder<K, V> statisticsEnabled(boolean enabled) {
    this.statisticsEnabled = enabled;
    return this;
  }

  /** Sets the executor that delivers events to listeners; default the common pool. */
  public TieredCacheBuilder<K, V> eventExecutor(Executor executor) {
    this.eventExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Sets where the memory tier's upkeep runs: recording reads and writes in its eviction policy
   * and evicting past the bound. Default the common pool, as in Caffeine, which keeps that work
   * off the caller's thread; the price is that the bound holds a moment after a write rather than
   * when it returns, and that reads made while the upkeep is busy may go unrecorded by the policy
   * (as in Caffeine). {@code Runnable::run} does it on the caller's thread instead: every read is
   * recorded and the bound holds on return, and each read costs about twice as much.
   */
  public TieredCacheBuilder<K, V> memoryMaintenanceExecutor(Executor executor) {
    this.maintenanceExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /** Puts an authoritative lower tier under the memory tier, flushed write-behind. */
  public TieredCacheBuilder<K, V> lowerTier(LowerTier<K, V> tier) {
    this.lowerTier = Objects.requireNonNull(tier, "tier");
    return this;
  }

  /**
   * Sets how many segments keys are spread over; each has its own buffer and flush lane, and a
   * persistent tier its own files. Keep it constant for a persistent cache. Default 8.
   */
  public TieredCacheBuilder<K, V> segments(int segments) {
    writeBehindDraft.segments(segments);
    return this;
  }

  /**
   * Sets the longest a write waits in the buffer before a flush picks it up, which bounds what a
   * crash can lose in time. Default 100 ms.
   */
  public TieredCacheBuilder<K, V> flushInterval(Duration interval) {
    writeBehindDraft.flushInterval(interval);
    return this;
  }

  /**
   * Sets the most entries written to the lower tier in one batch; default 512. A segment's lane
   * writes what is pending every {@link #flushInterval}, and starts sooner, writing full batches,
   * once the segment's buffer is half full (or holds a full batch, if that is more), so a burst
   * that fits in half the buffer waits for the interval and costs its writers no disk work.
   */
  public TieredCacheBuilder<K, V> flushBatchSize(int entries) {
    writeBehindDraft.batchSize(entries);
    return this;
  }

  /**
   * Sets how many distinct keys each segment's write-behind buffer holds before back-pressure
   * starts, which bounds both the buffer's memory and what a crash can lose. Default 16,384.
   */
  public TieredCacheBuilder<K, V> writeBufferCapacity(int entriesPerSegment) {
    writeBehindDraft.bufferCapacity(entriesPerSegment);
    return this;
  }

  /**
   * Sets what a writer gets when its segment's buffer is full; {@code timeout} is how long
   * {@link BackPressure#BLOCK} waits before failing the write (ignored for write-through).
   * Default: block for 30 seconds.
   */
  public TieredCacheBuilder<K, V> backPressure(BackPressure backPressure, Duration timeout) {
    writeBehindDraft.backPressure(backPressure, timeout);
    return this;
  }

  /** Sets the first and the longest wait between retries of a failed flush. */
  public TieredCacheBuilder<K, V> retryBackoff(Duration initial, Duration max) {
    writeBehindDraft.retryBackoff(initial, max);
    return this;
  }

  /** Sets how long {@link TieredCache#close()} keeps retrying a failing lower tier. */
  public TieredCacheBuilder<K, V> closeTimeout(Duration timeout) {
    writeBehindDraft.closeTimeout(timeout);
    return this;
  }

  /**
   * Sets whether the cache restarts warm: at a clean close it hands the lower tier its memory
   * tier's keys, hottest first, and when built it refills memory from the keys the lower tier saved
   * last time, in the background (see {@link TieredCache#warmUp()}). Only a tier that persists the
   * snapshot, such as the disk tier, makes a difference. Turning it off skips both the saving and
   * the refill. Default on.
   */
  public TieredCacheBuilder<K, V> warmRestart(boolean enabled) {
    this.warmRestart = enabled;
    return this;
  }

  /**
   * Keeps the cache coherent with the copies of it that other processes hold, such as the Redis
   * invalidation bus of {@code cache-redis}: every change made here is announced, and every change
   * announced by the others drops the key here. See {@link Coherence}. Default: none.
   */
  public TieredCacheBuilder<K, V> coherence(Coherence<K> coherence) {
    this.coherence = java.util.Objects.requireNonNull(coherence, "coherence");
    return this;
  }

  /**
   * Preloads the cache from the system of record when it is built, in the background, after the
   * warm restart's refill: see {@link WarmUpLoader} and {@link TieredCache#warmUp()}.
   */
  public TieredCacheBuilder<K, V> warmUpLoader(WarmUpLoader<K, V> loader) {
    this.warmUpLoader = Objects.requireNonNull(loader, "loader");
    return this;
  }

  /**
   * Sets how many keys the warm-up loader is asked to load in one {@link WarmUpLoader#loadAll}
   * call. Default 256.
   */
  public TieredCacheBuilder<K, V> warmUpBatchSize(int keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("warmUpBatchSize must be at least 1, was " + keys);
    }
    this.warmUpBatchSize = keys;
    return this;
  }

  /**
   * Builds the cache and, if there is one, opens its lower tier and starts flushing; then starts
   * warm-up in the background, if there is anything to warm.
   */
  public TieredCache<K, V> build() {
    writeBehind = writeBehindDraft.settings();
    TieredCache<K, V> cache = new TieredCache<>(this);
    cache.start();
    return cache;
  }

  @SuppressWarnings("unchecked")
  Cache<K, MemoryEntry<V>> buildMemoryTier(RemovalListener<K, MemoryEntry<V>> onEviction) {
    // By default Caffeine's maintenance (draining its read and write buffers, evicting) runs off
    // the caller's thread, as in raw Caffeine: done by the reader it cost as much as the lookup
    // (benchmarks/README.md). Evictions stay ordered with each key's writes because the eviction
    // listener runs inside Caffeine's atomic removal, whichever thread runs it; a writer runs the
    // maintenance itself when Caffeine's write buffer is full, so memory never outgrows the bound
    // by more than that buffer.
    Caffeine<K, MemoryEntry<V>> caffeine = (Caffeine<K, MemoryEntry<V>>) (Caffeine<?, ?>)
        Caffeine.newBuilder().executor(maintenanceExecutor);
    if (weigher != null) {
      Weigher<? super K, ? super V> userWeigher = weigher;
      caffeine.maximumWeight(maximumWeight)
          .weigher((K key, MemoryEntry<V> entry) -> userWeigher.weigh(key, entry.value()));
    } else {
      caffeine.maximumSize(maximumSize);
    }
    return caffeine.evictionListener(onEviction).build();
  }
}
