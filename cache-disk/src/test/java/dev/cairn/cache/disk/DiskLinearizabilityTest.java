package dev.cairn.cache.disk;

import dev.cairn.cache.core.LinearizabilityTest;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.PreparedWrite;
import dev.cairn.cache.core.tier.TierContext;
import dev.cairn.cache.core.tier.TierEntry;
import dev.cairn.cache.core.tier.TierWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Per-key atomicity across tiers (docs/design.md) over the real disk tier: the engine's operations,
 * run by Lincheck in random concurrent scenarios and checked against a sequential map (see
 * cache-core's {@link LinearizabilityTest}), with a one-entry memory tier so that reads keep
 * promoting from the write-behind buffer or from MapDB, batches of one so the flush lane writes to
 * disk in the middle of scenarios, and a {@code flush} operation.
 *
 * <p>Lincheck builds a cache per scenario, thousands of them; opening a MapDB store for each would
 * spend the run on opening files, so every cache is built over one open disk tier, emptied
 * between scenarios.
 */
class DiskLinearizabilityTest {

  private static DiskTier<Integer, Integer> disk;
  private static boolean opened;

  @AfterAll
  static void closeTheDiskTier() {
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void theEngineOverTheDiskTierIsLinearizableWhileFlushingEvictingAndPromoting() {
    LinChecker.check(OverDiskTier.class, LinearizabilityTest.stress().iterations(10)
        .invocationsPerIteration(100));
  }

  /** The engine's operations over the shared disk tier, plus a flush. */
  public static final class OverDiskTier extends LinearizabilityTest.EngineOperations {
    public OverDiskTier() {
      super(TieredCache.<Integer, Integer>builder("lincheck-disk")
          .maximumSize(1)
          .segments(1)
          .flushBatchSize(1)
          .flushInterval(Duration.ofMillis(1))
          .warmRestart(false)
          .lowerTier(new EmptiedAtOpen(sharedDisk()))
          .build());
    }

    @Operation
    public void flush() {
      cache.flush();
    }
  }

  private static synchronized DiskTier<Integer, Integer> sharedDisk() {
    if (disk == null) {
      try {
        Path directory = Files.createTempDirectory("cairn-lincheck-disk");
        disk = DiskTier.of(directory.resolve("cache"), Serializers.integers(),
            Serializers.integers());
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a directory for the disk tier", e);
      }
    }
    return disk;
  }

  /**
   * The shared disk tier as one cache's lower tier: opened by the first cache, emptied by each
   * later one, and left open when a cache closes (the test closes it at the end).
   */
  private static final class EmptiedAtOpen implements LowerTier<Integer, Integer> {
    private final DiskTier<Integer, Integer> tier;

    EmptiedAtOpen(DiskTier<Integer, Integer> tier) {
      this.tier = tier;
    }

    @Override public String name() {
      return tier.name();
    }

    @Override public void open(TierContext<Integer, Integer> context) {
      synchronized (DiskLinearizabilityTest.class) {
        if (!opened) {
          tier.open(context);
          opened = true;
        } else {
          for (int segment = 0; segment < context.segments(); segment++) {
            tier.clear(segment);
          }
        }
      }
    }

    @Override public PreparedWrite prepare(Integer key, Integer value) {
      return tier.prepare(key, value);
    }

    @Override public TierEntry<Integer> read(int segment, Integer key) {
      return tier.read(segment, key);
    }

    @Override public void write(int segment, List<TierWrite<Integer, Integer>> batch) {
      tier.write(segment, batch);
    }

    @Override public Iterator<Integer> keys(int segment) {
      return tier.keys(segment);
    }

    @Override public long size() {
      return tier.size();
    }

    @Override public void clear(int segment) {
      tier.clear(segment);
    }

    @Override public void close() {
      // Left open for the next scenario's cache; emptied when that one opens it.
    }
  }
}
