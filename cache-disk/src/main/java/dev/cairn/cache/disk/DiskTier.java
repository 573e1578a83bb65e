package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.PreparedWrite;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierRemoval;
import dev.cairn.cache.core.tier.TierWrite;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The persistent lower tier: one MapDB store per segment in one directory per cache.
 *
 * <p>MapDB holds only bytes: a record is the entry's expiration time (8 bytes) followed by the value
 * serialized by Cairn, so the format and the deserialization allowlist are Cairn's. A flushed batch
 * is appended to the segment's checksummed journal and forced to the device (that is when it is
 * durable), then applied to the segment's MapDB store, which runs without MapDB's own write-ahead
 * log as an index Cairn can always rebuild from its last checkpoint plus the journal. Recovery after
 * a crash never changes what it reads from, so it may itself be killed any number of times;
 * {@code docs/durability.md} walks through every crash point. MapDB maps its file into memory and
 * writes each new MiB of it with zeros before mapping it, so a full disk is an {@link IOException}
 * when the store grows, not a SIGBUS on a later write. Before MapDB opens anything, Cairn takes a
 * lock on the directory and checks its own format header.
 *
 * <p>Layout of the directory: {@code cairn.lock}, {@code cairn.format} and one {@code segment-<i>}
 * directory per segment.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class DiskTier<K, V> implements LowerTier<K, V> {

  private static final System.Logger LOG = System.getLogger(DiskTier.class.getName());

  private final Path directory;
  private final Serializer<K> keys;
  private final Serializer<V> values;
  private DirectoryLock lock;
  private long checkpointBytes = DEFAULT_CHECKPOINT_BYTES;
  private long maximumEntries = UNBOUNDED;
  private long maximumBytes = UNBOUNDED;
  private Duration purgeInterval = Duration.ofMinutes(1);
  private ScheduledExecutorService purger;
  // set before the purger is stopped; a purge in progress checks it between segments
  private volatile boolean closing;
  private DiskSegment[] segments;
  private HotKeySnapshot<K> hotKeys;
  // the name of the cache that opened the tier, for messages
  private String cacheName;

  /** The journal length past which a segment folds its journal into a new checkpoint: 64 MiB. */
  public static final long DEFAULT_CHECKPOINT_BYTES = 64L << 20;

  /** A write's key and value as bytes, made on the writer's thread by {@link #prepare}. */
  private record Prepared(byte[] key, byte[] value) implements PreparedWrite {
  }

  private DiskTier(Path directory, Serializer<K> keys, Serializer<V> values) {
    this.directory = directory;
    this.keys = keys;
    this.values = values;
  }

  /**
   * Creates a disk tier over {@code directory} (created owner-only if missing). Nothing is opened
   * until the cache opens the tier.
   */
  public static <K, V> DiskTier<K, V> of(Path directory, Serializer<K> keys,
      Serializer<V> values) {
    return new DiskTier<>(Objects.requireNonNull(directory, "directory").toAbsolutePath(),
        Objects.requireNonNull(keys, "keys"), Objects.requireNonNull(values, "values"));
  }

  /**
   * Sets how long a segment's journal may grow before it is folded into a checkpoint (a copy of the
   * segment's store). Longer journals mean fewer copies while running but a longer recovery after a
   * crash, which replays the journal; a clean restart replays nothing. Default
   * {@link #DEFAULT_CHECKPOINT_BYTES}.
   *
   * @return this tier
   */
  public DiskTier<K, V> checkpointAfter(long journalBytes) {
    if (journalBytes < 1) {
      throw new IllegalArgumentException("checkpointAfter must be at least 1 byte, was "
          + journalBytes);
    }
    checkNotOpen("checkpointAfter");
    this.checkpointBytes = journalBytes;
    return this;
  }

  /**
   * Bounds the tier to this many entries; past it, expired entries are purged first, then entries
   * are evicted (in the store's hash order, not by recency: the memory tier keeps the hot set)
   * until 95% of the bound is left. The bound is split evenly over the segments, so a skewed key
   * set may evict somewhat before the total is reached. Default: unbounded.
   *
   * @return this tier
   */
  public DiskTier<K, V> maximumEntries(long entries) {
    if (entries < 1) {
      throw new IllegalArgumentException("maximumEntries must be at least 1, was " + entries);
    }
    checkNotOpen("maximumEntries");
    this.maximumEntries = entries;
    return this;
  }

  /**
   * Bounds the bytes of serialized keys and values (plus 8 per entry for its expiration time) the
   * tier keeps, evicting as {@link #maximumEntries} does. The files take more than this: MapDB's
   * free space, the checkpoint copy and the journal ({@code docs/durability.md}). Default:
   * unbounded.
   *
   * @return this tier
   */
  public DiskTier<K, V> maximumBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maximumBytes must be at least 1, was " + bytes);
    }
    checkNotOpen("maximumBytes");
    this.maximumBytes = bytes;
    return this;
  }

  /**
   * Sets how often expired entries are purged from disk in the background (they are never served
   * either way; purging gives their space back). Default one minute; {@link Duration#ZERO} turns the
   * background purge off.
   *
   * @return this tier
   */
  public DiskTier<K, V> purgeInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("purgeInterval must not be negative, was " + interval);
    }
    checkNotOpen("purgeInterval");
    this.purgeInterval = interval;
    return this;
  }

  private void checkNotOpen(String setting) {
    if (segments != null) {
      throw new IllegalStateException(setting + " must be set before the cache opens the tier");
    }
  }

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public void open(TierContext<K, V> context) {
    this.cacheName = context.cacheName();
    if (context.placementVersion() != DiskFormat.KEY_PLACEMENT) {
      throw new DiskTierException("Cache '" + context.cacheName() + "' places keys by version "
          + context.placementVersion() + " of the key placement, but the files in " + directory
          + " are read by version " + DiskFormat.KEY_PLACEMENT + ": keys would be looked for in"
          + " the wrong segments. Open the directory with the Cairn version that wrote it");
    }
    try {
      createDirectory();
      lockDirectory();
      DiskFormat.checkOrCreate(directory, context.segments());
    } catch (IOException e) {
      releaseLock();
      throw new DiskTierException("Cannot use " + directory + " for cache '"
          + context.cacheName() + "': " + e, e);
    } catch (RuntimeException e) {
      releaseLock();
      throw e;
    }
    segments = new DiskSegment[context.segments()];
    DiskBounds bounds = DiskBounds.perSegment(maximumEntries, maximumBytes, segments.length);
    // Segments open (and after a crash rebuild) side by side: they share nothing.
    ExecutorService openers = Executors.newFixedThreadPool(
        Math.min(segments.length, Runtime.getRuntime().availableProcessors()),
        daemonThreads("cairn-disk-open-" + context.cacheName()));
    List<Future<?>> opening = new ArrayList<>(segments.length);
    for (int i = 0; i < segments.length; i++) {
      int index = i;
      DiskSegment segment = new DiskSegment(directory.resolve("segment-" + i),
          "segment " + i + " of cache '" + context.cacheName() + "'", checkpointBytes, bounds,
          context.clock(), (cause, removed) -> report(context, index, cause, removed));
      segments[i] = segment;
      opening.add(openers.submit(() -> {
        segment.open();
        return null;
      }));
    }
    openers.shutdown();
    Throwable failure = null;
    for (int i = 0; i < segments.length; i++) {
      try {
        opening.get(i).get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof DiskTierException ? e.getCause()
            : new DiskTierException("Cannot open " + directory.resolve("segment-" + i)
                + " of cache '" + context.cacheName() + "': " + e.getCause(), e.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new DiskTierException("Interrupted while opening "
            + directory, e);
      }
    }
    if (failure != null) {
      try {
        awaitOpeners(openers);
        close();   // closes the segments that did open; the others hold nothing
      } catch (RuntimeException suppressed) {
        failure.addSuppressed(suppressed);
      }
      throw (DiskTierException) failure;
    }
    hotKeys = HotKeySnapshot.read(directory, keys, context.cacheName());
    if (!purgeInterval.isZero()) {
      purger = Executors.newSingleThreadScheduledExecutor(
          daemonThreads("cairn-disk-purge-" + context.cacheName()));
      long millis = Math.max(1, purgeInterval.toMillis());
      purger.scheduleWithFixedDelay(() -> purgeExpired(context.cacheName()), millis, millis,
          TimeUnit.MILLISECONDS);
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void awaitOpeners(ExecutorService openers) {
    try {
      openers.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void purgeExpired(String cacheName) {
    for (int i = 0; i < segments.length && !closing; i++) {
      try {
        int purged = segments[i].purgeExpired();
        if (purged > 0) {
          LOG.log(Level.DEBUG, "Purged {0} expired entries from segment {1} of cache ''{2}''",
              purged, i, cacheName);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Purging expired entries from segment " + i + " of cache '"
            + cacheName + "' failed; the next purge tries again", e);
      }
    }
  }

  /** Purges expired entries from every segment now; returns how many were removed. */
  long purgeExpiredNow() {
    long purged = 0;
    for (DiskSegment segment : segments) {
      purged += segment.purgeExpired();
    }
    return purged;
  }

  private void createDirectory() throws IOException {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new DiskTierException(directory + " is a file, not a directory: point the disk tier"
          + " at a directory");
    }
    DiskFiles.createOwnerOnlyDirectory(directory);
  }

  private void lockDirectory() throws IOException {
    lock = DirectoryLock.tryAcquire(directory);
    if (lock == null) {
      throw new DiskTierException("Directory " + directory + " is already in use by another cache"
          + " or process (it holds the lock on " + DirectoryLock.FILE_NAME + "). Close that cache"
          + " first, or give this one its own directory");
    }
  }

  private void releaseLock() {
    try {
      if (lock != null) {
        lock.close();
      }
    } catch (IOException e) {
      throw new DiskTierException("Cannot release the lock on " + directory, e);
    } finally {
      lock = null;
    }
  }

  /**
   * Serializes key and value on the writer's thread, so an entry that cannot be stored fails its
   * put, naming the class, and no flush ever sees it.
   */
  @Override
  public PreparedWrite prepare(K key, V value) {
    return new Prepared(keys.serialize(key), values.serialize(value));
  }

  @Override
  public TierEntry<V> read(int segment, K key) {
    return entryOf(segments[segment].get(keys.serialize(key)));
  }

  /** Reads the keys under one hold of the segment's lock. */
  @Override
  public Map<K, TierEntry<V>> readAll(int segment, Collection<? extends K> wanted) {
    List<K> keyList = new ArrayList<>(wanted);
    List<byte[]> keyBytes = new ArrayList<>(keyList.size());
    for (K key : keyList) {
      keyBytes.add(keys.serialize(key));
    }
    byte[][] records = segments[segment].getAll(keyBytes);
    Map<K, TierEntry<V>> found = new LinkedHashMap<>();
    for (int i = 0; i < records.length; i++) {
      TierEntry<V> entry = entryOf(records[i]);
      if (entry != null) {
        found.put(keyList.get(i), entry);
      }
    }
    return found;
  }

  private TierEntry<V> entryOf(byte[] record) {
    if (record == null) {
      return null;
    }
    return new TierEntry<>(valueOf(record), DiskSegment.expiresAt(record));
  }

  private V valueOf(byte[] record) {
    return values.deserialize(Arrays.copyOfRange(record, Long.BYTES, record.length));
  }

  /**
   * Hands the engine what a segment's bounds or purge removed. The values go with the keys for
   * the events; one that no longer reads back (a class taken off the allowlist) goes as unknown.
   */
  private void report(TierContext<K, V> context, int segment, TierRemoval.Cause cause,
      List<Map.Entry<byte[], byte[]>> removed) {
    List<TierRemoval<K, V>> removals = new ArrayList<>(removed.size());
    for (Map.Entry<byte[], byte[]> entry : removed) {
      K key;
      try {
        key = keys.deserialize(entry.getKey());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, () -> "A key the disk tier of cache '" + context.cacheName()
            + "' removed from segment " + segment + " does not read back; memory may keep"
            + " serving it until it is evicted there", e);
        continue;
      }
      V value;
      try {
        value = valueOf(entry.getValue());
      } catch (RuntimeException e) {
        value = null;
      }
      removals.add(new TierRemoval<>(key, value));
    }
    context.reportRemovals(segment, cause, removals);
  }

  @Override
  public void write(int segment, List<TierWrite<K, V>> batch) {
    List<Map.Entry<byte[], byte[]>> changes = new ArrayList<>(batch.size());
    for (TierWrite<K, V> write : batch) {
      Prepared prepared = write.prepared() instanceof Prepared p ? p : null;
      byte[] key = prepared != null ? prepared.key() : keys.serialize(write.key());
      if (write.isRemoval()) {
        changes.add(new SimpleImmutableEntry<>(key, null));
      } else {
        byte[] value = prepared != null ? prepared.value() : values.serialize(write.value());
        changes.add(new SimpleImmutableEntry<>(key, ByteBuffer.allocate(Long.BYTES + value.length)
            .putLong(write.expiresAtMillis()).put(value).array()));
      }
    }
    segments[segment].apply(changes);
  }

  @Override
  public Iterator<K> keys(int segment) {
    Iterator<byte[]> stored = segments[segment].keys();
    return new Iterator<>() {
      @Override public boolean hasNext() {
        return stored.hasNext();
      }

      @Override public K next() {
        return keys.deserialize(stored.next());
      }
    };
  }

  @Override
  public long size() {
    long size = 0;
    for (DiskSegment segment : segments) {
      size += segment.size();
    }
    return size;
  }


  /** Returns the bytes of every file in the tier's directory. */
  @Override
  public long storedBytes() {
    try {
      return DiskFiles.sizeOf(directory);
    } catch (IOException e) {
      return -1;   // a file vanished mid-walk (a checkpoint deleting one): the next scrape counts
    }
  }

  @Override
  public void clear(int segment) {
    segments[segment].clear();
  }

  /** Writes the snapshot the next open reads; see {@link HotKeySnapshot}. */
  @Override
  public void saveHotKeys(List<K> hottestFirst) {
    hotKeys.save(hottestFirst);
  }

  @Override
  public List<K> hotKeys() {
    return hotKeys.keys();
  }

  /** Kept in the file {@code coherence-position}; see {@link CoherencePositionFile}. */
  @Override
  public void saveCoherencePosition(String position) {
    CoherencePositionFile.save(directory, position);
  }

  @Override
  public String takeCoherencePosition() {
    return CoherencePositionFile.take(directory, cacheName);
  }

  /** Closes every segment, marking each clean, then releases the directory lock. */
  @Override
  public void close() {
    DiskTierException failure = null;
    closing = true;
    try {
      stopPurger();
      if (segments != null) {
        for (DiskSegment segment : segments) {
          try {
            if (segment != null) {
              segment.close();
            }
          } catch (IOException | RuntimeException e) {
            if (failure == null) {
              failure = new DiskTierException("Closing the disk tier in " + directory
                  + " failed; the segments not closed will be recovered at the next open", e);
            } else {
              failure.addSuppressed(e);
            }
          }
        }
      }
    } finally {
      releaseLock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  // Not shutdownNow: an interrupt during a read would close MapDB's FileChannel under it.
  private void stopPurger() {
    if (purger == null) {
      return;
    }
    purger.shutdown();
    try {
      if (!purger.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new DiskTierException("The expired-entry purge of " + directory + " did not stop"
            + " within a minute; the segments were left open");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DiskTierException("Interrupted while stopping the purge of " + directory, e);
    }
  }

  long checkpointAfter() {
    return checkpointBytes;
  }

  long maximumEntries() {
    return maximumEntries;
  }

  long maximumBytes() {
    return maximumBytes;
  }

  Duration purgeInterval() {
    return purgeInterval;
  }

  /** Returns the directory this tier stores its files in. */
  public Path directory() {
    return directory;
  }
}
