package dev.cairn.cache.disk;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.LowerTierContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk tier runs the tier conformance suite over real files, with every capability but atomic
 * batches: a read may see a batch half applied to the store (the journal makes a batch durable
 * whole, not visible whole), and the suite's atomicity test fails if the capability is claimed.
 * Its background purge is off, since the suite purges when it wants to, and it checkpoints every
 * 8 KiB of journal instead of 64 MiB, so that the suite's writes and reads also cross checkpoints.
 */
class DiskTierConformanceTest extends LowerTierContract {

  private static final long CHECKPOINT_BYTES = 8 << 10;

  @TempDir
  Path temp;

  private int made;

  private DiskTier<String, String> diskTier() {
    return configured(temp.resolve("tier-" + made++));
  }

  private static DiskTier<String, String> configured(Path directory) {
    return DiskTier.of(directory, Serializers.string(), Serializers.string())
        .purgeInterval(Duration.ZERO).checkpointAfter(CHECKPOINT_BYTES);
  }

  @Override
  public LowerTier<String, String> newTier() {
    return diskTier();
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public LowerTier<String, String> reopen(LowerTier<String, String> closed) {
    return configured(((DiskTier<String, String>) closed).directory());
  }

  @Override
  public boolean refusesAnotherSegmentCount() {
    return true;
  }

  @Override
  public boolean bounded() {
    return true;
  }

  @Override
  public LowerTier<String, String> boundedTier(int maxEntries) {
    return diskTier().maximumEntries(maxEntries);
  }

  @Override
  public boolean purges() {
    return true;
  }

  @Override
  public void purgeExpired(LowerTier<String, String> tier) {
    ((DiskTier<String, String>) tier).purgeExpiredNow();
  }
}
