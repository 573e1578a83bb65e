package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;

/**
 * The persistent lower tier: one MapDB store per segment in one directory per cache.
 *
 * <p>MapDB holds only bytes: a record is the entry's expiration time (8 bytes) followed by the value
 * serialized by Cairn, so the format and the deserialization allowlist are Cairn's. A batch is
 * committed as one MapDB transaction (write-ahead log, FileChannel volume: no memory-mapped file,
 * so a full disk is an {@link IOException}, not a SIGBUS). Before MapDB opens anything, Cairn
 * takes a lock on the directory and checks its own format header.
 *
 * <p>Durability after a kill -9 is MapDB's write-ahead log for now; see the disk-tier issue for the
 * crash-loop-proof recovery still to come.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class DiskTier<K, V> implements LowerTier<K, V> {

  private static final String LOCK_FILE = "cairn.lock";

  private final Path directory;
  private final Serializer<K> keys;
  private final Serializer<V> values;
  private FileChannel lockChannel;
  private FileLock lock;
  private DB[] stores;
  private HTreeMap<byte[], byte[]>[] maps;
  private HotKeySnapshot<K> hotKeys;

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

  @Override
  public String name() {
    return "disk";
  }

  @Override
  @SuppressWarnings("unchecked")
  public void open(TierContext context) {
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
    stores = new DB[context.segments()];
    maps = new HTreeMap[context.segments()];
    for (int i = 0; i < stores.length; i++) {
      Path file = directory.resolve("segment-" + i + ".db");
      try {
        stores[i] = DBMaker.fileDB(file.toFile()).fileChannelEnable().transactionEnable().make();
        maps[i] = stores[i].hashMap("entries", org.mapdb.Serializer.BYTE_ARRAY,
            org.mapdb.Serializer.BYTE_ARRAY).createOrOpen();
      } catch (RuntimeException e) {
        close();
        throw new DiskTierException("Cannot open " + file + " of cache '" + context.cacheName()
            + "': " + e.getMessage() + ". The file was left as it is", e);
      }
    }
    hotKeys = HotKeySnapshot.read(directory, keys, context.cacheName());
  }

  private void createDirectory() throws IOException {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new DiskTierException(directory + " is a file, not a directory: point the disk tier"
          + " at a directory");
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(directory);
    }
  }

  private void lockDirectory() throws IOException {
    lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      throw new DiskTierException("Directory " + directory + " is already in use by another cache"
          + " or process (it holds the lock on " + LOCK_FILE + "). Close that cache first, or"
          + " give this one its own directory");
    }
  }

  private void releaseLock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      throw new DiskTierException("Cannot release the lock on " + directory, e);
    } finally {
      lock = null;
      lockChannel = null;
    }
  }

  /** Serializes the value on the writer's thread, so a value that cannot be stored fails its put. */
  @Override
  public Object prepare(K key, V value) {
    return values.serialize(value);
  }

  @Override
  public TierEntry<V> read(int segment, K key) {
    byte[] record = maps[segment].get(keys.serialize(key));
    if (record == null) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(record);
    long expiresAt = buffer.getLong();
    return new TierEntry<>(values.deserialize(Arrays.copyOfRange(record, Long.BYTES,
        record.length)), expiresAt);
  }

  @Override
  public void write(int segment, List<TierWrite<K, V>> batch) {
    HTreeMap<byte[], byte[]> map = maps[segment];
    try {
      for (TierWrite<K, V> write : batch) {
        byte[] key = keys.serialize(write.key());
        if (write.isRemoval()) {
          map.remove(key);
        } else {
          byte[] value = write.prepared() instanceof byte[] bytes
              ? bytes : values.serialize(write.value());
          map.put(key, ByteBuffer.allocate(Long.BYTES + value.length)
              .putLong(write.expiresAtMillis()).put(value).array());
        }
      }
      stores[segment].commit();
    } catch (RuntimeException e) {
      stores[segment].rollback();
      throw new DiskTierException("Writing a batch of " + batch.size() + " entries to "
          + directory.resolve("segment-" + segment + ".db") + " failed and was rolled back", e);
    }
  }

  @Override
  public Iterator<K> keys(int segment) {
    Iterator<byte[]> stored = maps[segment].keySet().iterator();
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
    for (HTreeMap<byte[], byte[]> map : maps) {
      size += map.sizeLong();
    }
    return size;
  }

  @Override
  public void clear(int segment) {
    maps[segment].clear();
    stores[segment].commit();
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

  @Override
  public void close() {
    try {
      if (stores != null) {
        for (DB store : stores) {
          if (store != null && !store.isClosed()) {
            store.close();
          }
        }
      }
    } finally {
      releaseLock();
    }
  }

  /** Returns the directory this tier stores its files in. */
  public Path directory() {
    return directory;
  }
}
