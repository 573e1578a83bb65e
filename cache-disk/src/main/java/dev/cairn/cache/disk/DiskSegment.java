package dev.cairn.cache.disk;

import dev.cairn.cache.core.CacheClock;
import dev.cairn.cache.core.tier.TierRemoval;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * One segment of the disk tier: a MapDB store, the journal that makes its writes durable, and the
 * checkpoints and recovery around them.
 *
 * <p>Layout of {@code segment-<i>/}: {@code current} names the live generation n (a long and its
 * CRC32C, replaced atomically); {@code base-<n>/store.db} is a MapDB store closed cleanly at
 * checkpoint n and never written again; {@code journal-<n>} holds every batch flushed since;
 * {@code work/store.db} is the store reads and writes use, and {@code work/clean} exists only
 * while that store is closed and was closed by Cairn.
 *
 * <p>Why not MapDB's own write-ahead log: our crash loop showed MapDB 3.1.0 failing to replay its
 * log after a plain kill while writing (and the known failure of a kill during the replay). So
 * MapDB runs without a log, as an index that can always be thrown away: a batch is durable once it
 * is in the journal (appended, checksummed, forced), and is then applied to the working store.
 * After a crash, the working store is discarded and rebuilt from a copy of {@code base-<n>} plus the
 * journal's whole records; neither of those is changed by the rebuild (only a torn tail of the
 * journal is cut), so a kill during recovery just means recovering again. A checkpoint, when the
 * journal grows past its limit, closes the working store, copies it to {@code base-<n+1>}, starts
 * {@code journal-<n+1>} and only then switches {@code current}; leftovers of either generation are
 * deleted at the next open. {@code docs/durability.md} walks through every crash point.
 */
final class DiskSegment implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DiskSegment.class.getName());
  static final String CURRENT = "current";
  static final String CLEAN = "clean";
  static final String STORE = "store.db";
  static final String WORK = "work";
  static final String SEAL = "seal";
  // clean marker: stored bytes, store length, journal length, the store's CRC32C, CRC32C
  private static final int CLEAN_LENGTH = 3 * Long.BYTES + 2 * Integer.BYTES;
  private static final Pattern GENERATION = Pattern.compile("(base|journal)-(\\d+)");

  private final Path directory;
  private final String description;
  private final long checkpointBytes;
  // Reads and batch writes share the store (MapDB is thread-safe); a checkpoint, which closes and
  // reopens it, excludes both.
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  // One writer at a time changes the store: the flush lane, the purge, an eviction.
  private final ReentrantLock writes = new ReentrantLock();
  private final DiskBounds bounds;
  private final CacheClock clock;
  // bytes of keys and records stored, for the byte bound; read by any thread
  private final AtomicLong storedBytes = new AtomicLong();
  // Told of every entry the bounds or the purge removed, after it is gone from the store.
  private final Removals removals;
  private long generation;
  private DB store;
  private HTreeMap<byte[], byte[]> entries;
  private SegmentJournal journal;
  // set when a batch reached the journal but not wholly the store; only the flush lane writes it
  private volatile boolean storeDamaged;

  /** Receives what the segment removed on its own: key bytes mapped to record bytes. */
  @FunctionalInterface
  interface Removals {
    void removed(TierRemoval.Cause cause, List<Map.Entry<byte[], byte[]>> removed);
  }

  DiskSegment(Path directory, String description, long checkpointBytes, DiskBounds bounds,
      CacheClock clock, Removals removals) {
    this.removals = removals;
    this.directory = directory;
    this.description = description;
    this.checkpointBytes = checkpointBytes;
    this.bounds = bounds;
    this.clock = clock;
  }

  /** Opens the segment: as it was closed, or rebuilt from its checkpoint and journal. */
  void open() throws IOException {
    DiskFiles.createOwnerOnlyDirectory(directory);
    generation = readCurrent();
    if (generation == 0) {
      generation = createFirstGeneration();
    }
    deleteOtherGenerations(generation);
    Path base = base(generation);
    if (!Files.exists(base.resolve(STORE))) {
      throw new DiskTierException(directory.resolve(CURRENT) + " names checkpoint " + generation
          + " but " + base.resolve(STORE) + " does not exist: the segment was damaged outside"
          + " Cairn. Refusing to open it; restore the directory from a backup or delete it");
    }
    Path work = directory.resolve(WORK);
    boolean reopened = false;
    long[] clean = readCleanMarker(work);
    if (clean != null) {
      long cleanBytes = clean[0];
      // From here on the working store is in use: a crash must send the next open to the rebuild.
      DiskFiles.deleteDurably(work.resolve(CLEAN));
      storedBytes.set(cleanBytes);
      try {
        openStore(work);
        journal = SegmentJournal.openAtEnd(journal(generation), clean[1]);
        reopened = true;
      } catch (RuntimeException | IOException e) {
        LOG.log(Level.WARNING, "The working store of " + description + " in " + work
            + " was closed cleanly but does not open (" + e + "); rebuilding it from "
            + base + " and " + journal(generation));
        closeQuietly();
      }
    }
    if (!reopened) {
      rebuild(base, work, !Files.exists(work) && generation == 1 && !Files.exists(journal(1)));
    }
  }

  private void rebuild(Path base, Path work, boolean brandNew) throws IOException {
    if (!brandNew) {
      LOG.log(Level.INFO, "Recovering {0}: rebuilding its store from checkpoint {1} and the"
          + " journal; neither is changed until the rebuild is done", description, base);
    }
    DiskFiles.deleteTree(work);
    DiskFiles.createOwnerOnlyDirectory(work);
    DiskFiles.copyDirectory(base, work);
    checkSeal(base, work);
    DiskFiles.deleteDurably(work.resolve(SEAL));
    openStore(work);
    DiskFiles.restrictToOwner(work);
    long[] replayed = new long[1];
    journal = SegmentJournal.open(journal(generation), (key, value) -> {
      if (value == null) {
        entries.remove(key);
      } else {
        entries.put(key, value);
      }
      replayed[0]++;
    });
    long bytes = 0;
    for (Map.Entry<byte[], byte[]> entry : entries.entrySet()) {
      bytes += entry.getKey().length + entry.getValue().length;
    }
    storedBytes.set(bytes);
    if (!brandNew) {
      LOG.log(Level.INFO, "Recovered {0}: {1} journaled changes replayed", description,
          replayed[0]);
    }
    enforceBounds();
  }

  private void openStore(Path work) {
    try {
      store = maker(work).make();
      entries = store.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
          .counterEnable().createOrOpen();
    } catch (RuntimeException e) {
      closeQuietly();
      throw new DiskTierException("Cannot open " + work.resolve(STORE) + " (" + description + "): "
          + e + ". The file was left as it is", e);
    }
  }

  // No write-ahead log (the journal is ours). A memory-mapped volume: a read is a memory access,
  // not a pread, which made disk reads 2.4x faster (benchmarks/README.md). The store is only an
  // index that a crash sends to the rebuild, so what mmap leaves unwritten at a kill costs nothing.
  // MapDB writes zeros into each new 1 MiB slice and forces them before it maps the slice (its
  // "preclear", on by default), so the blocks exist before any write through the mapping: a full
  // disk fails that growth with an IOException instead of a SIGBUS later. The cleaner hack unmaps
  // at close, so a checkpoint or rebuild does not keep deleted files mapped until a GC; nothing
  // touches a store after its close (the segment's lock).
  private static DBMaker.Maker maker(Path directory) {
    return DBMaker.fileDB(directory.resolve(STORE).toFile()).fileMmapEnable().cleanerHackEnable();
  }

  private long createFirstGeneration() throws IOException {
    try (Stream<Path> children = Files.list(directory)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (Files.exists(child.resolve(STORE))) {
          throw new DiskTierException(directory + " holds a store (" + child.resolve(STORE)
              + ") but no '" + CURRENT + "' file naming its checkpoint. Refusing to guess;"
              + " restore the file or delete the directory");
        }
      }
    }
    Path first = base(1);
    DiskFiles.deleteTree(first);
    DiskFiles.createOwnerOnlyDirectory(first);
    maker(first).make().close();
    DiskFiles.restrictToOwner(first);
    DiskFiles.force(first.resolve(STORE));
    seal(first);
    writeCurrent(1);
    return 1;
  }

  byte[] get(byte[] key) {
    lock.readLock().lock();
    try {
      return entries.get(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reads several keys under one hold of the lock; the result lines up with the keys. */
  byte[][] getAll(List<byte[]> keys) {
    byte[][] records = new byte[keys.size()][];
    lock.readLock().lock();
    try {
      for (int i = 0; i < records.length; i++) {
        records[i] = entries.get(keys.get(i));
      }
    } finally {
      lock.readLock().unlock();
    }
    return records;
  }

  /**
   * Makes a batch of puts (non-null values) and removals (null values) durable in the journal, then
   * applies it to the store; takes a checkpoint when the journal has grown past its limit.
   */
  void apply(List<Map.Entry<byte[], byte[]>> batch) {
    writes.lock();
    try {
      lock.readLock().lock();
      try {
        try {
          journal.append(batch);
        } catch (IOException | RuntimeException e) {
          throw new DiskTierException("Writing a batch of " + batch.size() + " entries to "
              + journal.file() + " (" + description + ") failed: " + e.getMessage()
              + "; the journal is as it was and the batch stays buffered", e);
        }
        try {
          for (Map.Entry<byte[], byte[]> change : batch) {
            byte[] key = change.getKey();
            byte[] old = change.getValue() == null ? entries.remove(key)
                : entries.put(key, change.getValue());
            long added = change.getValue() == null ? 0 : key.length + change.getValue().length;
            storedBytes.addAndGet(added - (old == null ? 0 : key.length + old.length));
          }
        } catch (RuntimeException e) {
          // The batch is durable in the journal, but the store may hold part of it: it must not
          // be marked clean at close, so that the next open rebuilds it from the journal.
          storeDamaged = true;
          throw new DiskTierException("Applying a journaled batch of " + batch.size()
              + " entries to " + directory.resolve(WORK).resolve(STORE) + " (" + description
              + ") failed: " + e.getMessage() + "; the batch is durable in " + journal.file()
              + " and is retried, and the store will be rebuilt from the journal at the next"
              + " open", e);
        }
      } finally {
        lock.readLock().unlock();
      }
      enforceBounds();
      if (journal.length() > checkpointBytes && !storeDamaged) {
        checkpoint();
      }
    } finally {
      writes.unlock();
    }
  }

  /**
   * Brings the segment back within its bounds, with some slack so that it does not run on every
   * batch: expired entries go first (purged), then entries in the store's hash order (evicted).
   * Removals here are not journaled: an entry they drop that a crash brings back is one that was
   * never overwritten, so it is still its key's latest value, and it is dropped again.
   */
  private void enforceBounds() {
    if (bounds.within(entries.sizeLong(), storedBytes.get())) {
      return;
    }
    List<byte[]> keys = keysUnderLock();
    long now = clock.currentTimeMillis();
    List<Map.Entry<byte[], byte[]>> expired = new ArrayList<>();
    List<Map.Entry<byte[], byte[]>> evicted = new ArrayList<>();
    try {
      for (byte[] key : keys) {
        if (bounds.withinTarget(entries.sizeLong(), storedBytes.get())) {
          return;
        }
        byte[] record = get(key);
        if (record != null && expiresAt(record) <= now) {
          addRemoved(expired, key, removeUnjournaled(key));
        }
      }
      for (byte[] key : keys) {
        if (bounds.withinTarget(entries.sizeLong(), storedBytes.get())) {
          return;
        }
        addRemoved(evicted, key, removeUnjournaled(key));
      }
    } finally {
      report(TierRemoval.Cause.EXPIRED, expired);
      report(TierRemoval.Cause.EVICTED, evicted);
    }
  }

  private static void addRemoved(List<Map.Entry<byte[], byte[]>> removed, byte[] key,
      byte[] record) {
    if (record != null) {
      removed.add(new SimpleImmutableEntry<>(key, record));
    }
  }

  private void report(TierRemoval.Cause cause, List<Map.Entry<byte[], byte[]>> removed) {
    if (!removed.isEmpty()) {
      removals.removed(cause, removed);
    }
  }

  /** Removes the entries whose expiration time has passed; returns how many it removed. */
  int purgeExpired() {
    long now = clock.currentTimeMillis();
    List<byte[]> expired = new ArrayList<>();
    for (byte[] key : keysUnderLock()) {
      byte[] record = get(key);
      if (record != null && expiresAt(record) <= now) {
        expired.add(key);
      }
    }
    List<Map.Entry<byte[], byte[]>> purged = new ArrayList<>();
    writes.lock();
    try {
      // Again, with the clock read again: a flush may have written a new value meanwhile, and
      // the clock may have jumped back since, making an entry expired at `now` live again.
      long recheckedAt = clock.currentTimeMillis();
      for (byte[] key : expired) {
        byte[] record = get(key);
        if (record != null && expiresAt(record) <= recheckedAt) {
          addRemoved(purged, key, removeUnjournaled(key));
        }
      }
    } finally {
      writes.unlock();
      report(TierRemoval.Cause.EXPIRED, purged);
    }
    return purged.size();
  }

  /** Removes the key from the store only; returns the record removed, or null. */
  private byte[] removeUnjournaled(byte[] key) {
    lock.readLock().lock();
    try {
      byte[] old = entries.remove(key);
      if (old != null) {
        storedBytes.addAndGet(-(key.length + old.length));
      }
      return old;
    } finally {
      lock.readLock().unlock();
    }
  }

  static long expiresAt(byte[] record) {
    return ByteBuffer.wrap(record).getLong();
  }


  /**
   * Folds the journal into a new base: the store is closed, copied to {@code base-<n+1>}, an empty
   * {@code journal-<n+1>} created, and only then {@code current} switched; a crash before the switch
   * leaves generation n whole, after it generation n+1.
   */
  private void checkpoint() {
    lock.writeLock().lock();
    Path work = directory.resolve(WORK);
    try {
      long next = generation + 1;
      Path base = base(next);
      Path staging = directory.resolve(base.getFileName() + ".tmp");
      DiskFiles.deleteTree(base);   // leftovers of a checkpoint that failed earlier
      DiskFiles.deleteDurably(journal(next));
      store.close();
      store = null;
      DiskFiles.force(work.resolve(STORE));
      DiskFiles.deleteTree(staging);
      DiskFiles.createOwnerOnlyDirectory(staging);
      DiskFiles.copyDirectory(work, staging);
      DiskFiles.deleteDurably(staging.resolve(CLEAN));
      seal(staging);
      Files.move(staging, base, StandardCopyOption.ATOMIC_MOVE);
      SegmentJournal fresh = SegmentJournal.open(journal(next), (key, value) -> { });
      DiskFiles.forceDirectory(directory);
      writeCurrent(next);
      SegmentJournal old = journal;
      journal = fresh;
      generation = next;
      old.close();
      DiskFiles.deleteTree(base(next - 1));
      DiskFiles.deleteDurably(journal(next - 1));
    } catch (IOException | RuntimeException e) {
      throw new DiskTierException("A checkpoint of " + description + " in " + directory
          + " failed: " + e + ". The journal still holds every write", e);
    } finally {
      try {
        if (store == null) {
          openStore(work);
        }
      } finally {
        lock.writeLock().unlock();
      }
    }
  }

  /** Returns the keys stored, copied under the lock: a checkpoint may reopen the store later. */
  Iterator<byte[]> keys() {
    return keysUnderLock().iterator();
  }

  private List<byte[]> keysUnderLock() {
    lock.readLock().lock();
    try {
      return new ArrayList<>(entries.keySet());
    } finally {
      lock.readLock().unlock();
    }
  }

  long size() {
    lock.readLock().lock();
    try {
      return entries.sizeLong();
    } finally {
      lock.readLock().unlock();
    }
  }

  void clear() {
    List<Map.Entry<byte[], byte[]>> removals = new ArrayList<>();
    keys().forEachRemaining(key -> removals.add(new SimpleImmutableEntry<>(key, null)));
    apply(removals);
  }

  /** Closes the store and marks it clean; a store that fails to close is rebuilt at next open. */
  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (store == null) {
        return;
      }
      DB closing = store;
      store = null;
      closing.close();
      journal.close();
      if (storeDamaged) {
        LOG.log(Level.WARNING, "Not marking {0} clean: a batch failed halfway into its store, so"
            + " the next open rebuilds it from its checkpoint and journal", description);
        return;
      }
      Path work = directory.resolve(WORK);
      DiskFiles.force(work.resolve(STORE));
      ByteBuffer marker = ByteBuffer.allocate(CLEAN_LENGTH).putLong(storedBytes.get())
          .putLong(Files.size(work.resolve(STORE))).putLong(journal.length())
          .putInt(DiskFiles.crc32c(work.resolve(STORE)));
      marker.putInt(crc(marker.array(), CLEAN_LENGTH - Integer.BYTES));
      DiskFiles.writeAtomically(work.resolve(CLEAN), marker.array());
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void closeQuietly() {
    if (store != null) {
      try {
        store.close();
      } catch (RuntimeException ignored) {
        // the store is being given up because it is broken; its close may fail the same way
      }
      store = null;
    }
  }

  private Path base(long generation) {
    return directory.resolve("base-" + generation);
  }

  private Path journal(long generation) {
    return directory.resolve("journal-" + generation);
  }

  private void deleteOtherGenerations(long current) throws IOException {
    try (Stream<Path> children = Files.list(directory)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        String name = child.getFileName().toString();
        Matcher matcher = GENERATION.matcher(name);
        boolean stale = matcher.matches() && Long.parseLong(matcher.group(2)) != current;
        if (stale || name.endsWith(".tmp")) {
          DiskFiles.deleteTree(child);
        }
      }
    }
  }

  /**
   * Returns what a clean marker records (stored bytes, journal length), or null if there is no
   * valid marker or the store is not the length and checksum it had at close (a store cut short
   * or with bytes changed can open in MapDB with entries silently missing or wrong, so it is
   * rebuilt instead).
   */
  private long[] readCleanMarker(Path work) throws IOException {
    Path marker = work.resolve(CLEAN);
    if (!Files.exists(marker)) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(marker);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length != CLEAN_LENGTH
        || buffer.getInt(CLEAN_LENGTH - Integer.BYTES) != crc(bytes, CLEAN_LENGTH - Integer.BYTES)) {
      LOG.log(Level.WARNING, "{0} is damaged; rebuilding {1} from its checkpoint and journal",
          marker, description);
      return null;
    }
    long stored = buffer.getLong();
    long length = buffer.getLong();
    long journalLength = buffer.getLong();
    int storeCrc = buffer.getInt();
    Path store = work.resolve(STORE);
    long actual = Files.exists(store) ? Files.size(store) : -1;
    if (actual != length) {
      LOG.log(Level.WARNING, "{0} was {1} bytes long when it was closed but is {2} now (-1:"
          + " missing): it was damaged while closed. Rebuilding {3} from its checkpoint and"
          + " journal, which lose nothing", store, length, actual, description);
      return null;
    }
    // A byte changed inside the store can make MapDB serve a wrong value or silently miss a
    // key; reading the store once per clean open is the price of never serving it.
    if (DiskFiles.crc32c(store) != storeCrc) {
      LOG.log(Level.WARNING, "{0} does not match the checksum it was closed with: it was damaged"
          + " while closed. Rebuilding {1} from its checkpoint and journal, which lose nothing",
          store, description);
      return null;
    }
    return new long[] {stored, journalLength};
  }

  /** Writes a base's seal: its store's length and CRC32C, checked before a rebuild uses it. */
  private static void seal(Path base) throws IOException {
    Path store = base.resolve(STORE);
    ByteBuffer seal = ByteBuffer.allocate(Long.BYTES + 2 * Integer.BYTES)
        .putLong(Files.size(store)).putInt(DiskFiles.crc32c(store));
    seal.putInt(crc(seal.array(), Long.BYTES + Integer.BYTES));
    DiskFiles.writeAtomically(base.resolve(SEAL), seal.array());
  }

  /** Checks the copy of a base against the base's seal; a damaged base cannot be rebuilt from. */
  private void checkSeal(Path base, Path copy) throws IOException {
    Path sealFile = copy.resolve(SEAL);
    byte[] bytes = Files.exists(sealFile) ? Files.readAllBytes(sealFile) : new byte[0];
    String problem = null;
    if (bytes.length != Long.BYTES + 2 * Integer.BYTES
        || ByteBuffer.wrap(bytes).getInt(Long.BYTES + Integer.BYTES)
            != crc(bytes, Long.BYTES + Integer.BYTES)) {
      problem = "its seal " + base.resolve(SEAL) + " is missing or damaged";
    } else {
      ByteBuffer seal = ByteBuffer.wrap(bytes);
      long length = seal.getLong();
      int crc = seal.getInt();
      Path store = copy.resolve(STORE);
      if (!Files.exists(store) || Files.size(store) != length) {
        problem = "its store is " + (Files.exists(store) ? Files.size(store) : "missing, not")
            + " bytes, not the " + length + " it was sealed with";
      } else if (DiskFiles.crc32c(store) != crc) {
        problem = "its store's checksum does not match its seal";
      }
    }
    if (problem != null) {
      DiskFiles.deleteTree(copy);
      throw new DiskTierException("Cannot recover " + description + ": checkpoint "
          + base.resolve(STORE) + " is damaged (" + problem + "). Its journal "
          + journal(generation) + " is intact, but it holds only the writes since that"
          + " checkpoint. Nothing was changed; restore the directory from a backup, or delete it"
          + " to start empty");
    }
  }

  private long readCurrent() throws IOException {
    Path file = directory.resolve(CURRENT);
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != Long.BYTES + Integer.BYTES) {
      throw new DiskTierException(file + " is damaged (" + bytes.length + " bytes, expected "
          + (Long.BYTES + Integer.BYTES) + "). Refusing to open " + description);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long generation = buffer.getLong();
    if (buffer.getInt() != crc(bytes) || generation < 1) {
      throw new DiskTierException(file + " is damaged (checksum mismatch). Refusing to open "
          + description);
    }
    return generation;
  }

  private void writeCurrent(long generation) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES + Integer.BYTES).putLong(generation);
    buffer.putInt(crc(buffer.array()));
    DiskFiles.writeAtomically(directory.resolve(CURRENT), buffer.array());
  }

  private static int crc(byte[] bytes) {
    return crc(bytes, Long.BYTES);
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
