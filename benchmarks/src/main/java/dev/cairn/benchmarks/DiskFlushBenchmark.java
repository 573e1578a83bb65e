package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.disk.DiskTier;
import dev.cairn.cache.disk.Serializers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the disk tier's durability design costs when writing: batches of the same precomputed
 * writes made durable by Cairn's journal, by MapDB's own write-ahead log (the design we rejected,
 * see {@code docs/durability.md}), and written by MapDB with no log and no force at all, which is
 * not durable and only bounds from above what any durable variant could reach.
 *
 * <p>One operation is one batch of {@code batchSize} puts followed by the variant's durability
 * point, so the score is batches per second. Every variant writes the same keys (a key space of
 * {@link #KEY_SPACE}, round-robin, so after the first pass each write updates an entry) with the
 * same 100-character values, encodes them as UTF-8 on the measured thread as Cairn's string
 * serializer does, and stores them in a MapDB {@code HTreeMap<byte[], byte[]>} with an entry
 * counter over a FileChannel volume, the store configuration the disk tier uses. Each trial starts from a fresh directory that
 * the set-up fills with the whole key space, batch by batch as measured, so that every variant is
 * measured in the steady state of a cache whose entries change, not while its files grow. Cairn's
 * journal is checkpointed at its default size, so the checkpoints a long run would take are part of
 * what is measured.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class DiskFlushBenchmark {

  /** Distinct keys written, round-robin; a multiple of every batch size. */
  static final int KEY_SPACE = 16_384;

  /** The batch size and the writes, shared by every variant. */
  @State(Scope.Thread)
  public abstract static class Batches {

    @Param({"64", "512"})
    public int batchSize;

    final WriteWorkload workload = new WriteWorkload(KEY_SPACE);
    long write;
    Path directory;
  }

  /**
   * A {@link TieredCache} over a {@link DiskTier}, built so that only {@code flush()} writes to
   * disk: the timer is an hour and the size-triggered batch larger than any batch measured, so the
   * flush writes one batch per segment, forced once per segment. The memory tier holds the whole
   * key space, so nothing is evicted.
   */
  public abstract static class CairnCache extends Batches {

    TieredCache<String, String> cache;

    abstract int segments();

    @Setup(Level.Trial)
    public void open() {
      CairnLogs.warningsOnly();
      directory = ScratchDirectory.create("flush-cairn");
      cache = TieredCache.<String, String>builder("bench")
          .maximumSize(KEY_SPACE)
          .segments(segments())
          .flushInterval(Duration.ofHours(1))
          .flushBatchSize(KEY_SPACE)
          .writeBufferCapacity(KEY_SPACE)
          .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string()))
          .build();
      while (write < KEY_SPACE) {
        putBatchAndFlush(this);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      cache.close();
      ScratchDirectory.delete(directory);
    }
  }

  /** Cairn with one segment: one journal, one force per batch, like the single MapDB stores. */
  public static class CairnOneSegment extends CairnCache {
    @Override int segments() {
      return 1;
    }
  }

  /** Cairn with its default 8 segments: a batch spread over 8 journals, each forced. */
  public static class CairnDefaultSegments extends CairnCache {
    @Override int segments() {
      return 8;
    }
  }

  /** A raw MapDB store and its map, opened like the disk tier's working store. */
  public abstract static class RawMapDb extends Batches {

    DB db;
    HTreeMap<byte[], byte[]> entries;

    abstract DBMaker.Maker maker(Path file);

    @Setup(Level.Trial)
    public void open() {
      directory = ScratchDirectory.create("flush-mapdb");
      db = maker(directory.resolve("store.db")).make();
      entries = db.hashMap("entries", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
          .counterEnable()
          .createOrOpen();
      for (; write < KEY_SPACE; write++) {
        entries.put(workload.key(write).getBytes(StandardCharsets.UTF_8),
            workload.value(write).getBytes(StandardCharsets.UTF_8));
        if ((write + 1) % batchSize == 0) {
          commitIfDurable();
        }
      }
    }

    /** Makes the puts so far durable, if this variant can. */
    abstract void commitIfDurable();

    @TearDown(Level.Trial)
    public void close() {
      db.close();
      ScratchDirectory.delete(directory);
    }
  }

  /** MapDB 3.1.0 with its write-ahead log: the design the disk tier rejected. */
  public static class MapDbWithLog extends RawMapDb {
    @Override DBMaker.Maker maker(Path file) {
      return DBMaker.fileDB(file.toFile()).fileChannelEnable().transactionEnable();
    }

    @Override void commitIfDurable() {
      db.commit();
    }
  }

  /** MapDB 3.1.0 without a log, exactly as the disk tier opens its working store. */
  public static class MapDbNoLog extends RawMapDb {
    @Override DBMaker.Maker maker(Path file) {
      return DBMaker.fileDB(file.toFile()).fileChannelEnable();
    }

    @Override void commitIfDurable() {
      // nothing: this variant is not durable
    }
  }

  /**
   * (a) Measures Cairn's durable write path: {@code batchSize} puts into a one-segment
   * {@link TieredCache} over the disk tier, then {@code flush()}, which appends the batch to the
   * journal, forces it and applies it to MapDB.
   */
  @Benchmark
  public void cairnJournal(CairnOneSegment state) {
    putBatchAndFlush(state);
  }

  /**
   * (a, default segments) Measures the same durable batch as {@link #cairnJournal} with the
   * default 8 segments, where one flush writes and forces 8 journals side by side on the flush
   * lanes.
   */
  @Benchmark
  public void cairnJournalEightSegments(CairnDefaultSegments state) {
    putBatchAndFlush(state);
  }

  private static void putBatchAndFlush(CairnCache state) {
    // put and flush return nothing; their effect is on disk, which the JIT cannot remove.
    for (int i = 0; i < state.batchSize; i++) {
      long write = state.write++;
      state.cache.put(state.workload.key(write), state.workload.value(write));
    }
    state.cache.flush();
  }

  /**
   * (b) Measures the rejected design: {@code batchSize} puts into raw MapDB with its write-ahead
   * log, then {@code commit()}, the same durability point as Cairn's flush.
   */
  @Benchmark
  public void mapdbWriteAheadLog(MapDbWithLog state, Blackhole blackhole) {
    putBatch(state, blackhole);
    state.db.commit();
  }

  /**
   * (c) Measures the upper bound, NOT durable: {@code batchSize} puts into raw MapDB with no log
   * and nothing forced, so a crash may lose or corrupt any of it.
   */
  @Benchmark
  public void mapdbNoLogNotDurable(MapDbNoLog state, Blackhole blackhole) {
    putBatch(state, blackhole);
  }

  private static void putBatch(RawMapDb state, Blackhole blackhole) {
    for (int i = 0; i < state.batchSize; i++) {
      long write = state.write++;
      blackhole.consume(state.entries.put(
          state.workload.key(write).getBytes(StandardCharsets.UTF_8),
          state.workload.value(write).getBytes(StandardCharsets.UTF_8)));
    }
  }
}
