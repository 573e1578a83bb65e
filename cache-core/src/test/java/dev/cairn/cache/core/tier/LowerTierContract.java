package dev.cairn.cache.core.tier;

import dev.cairn.cache.core.ManualClock;
import dev.cairn.cache.core.TieredCache;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link LowerTier} contract as tests: every tier runs this suite (the disk tier, the engine's
 * in-memory test tier, the tiers to come) by extending it and saying how to make one. A tier is
 * defined by the tests it passes.
 *
 * <p>A subclass implements {@link #newTier} and declares what else the tier can do by overriding
 * the capability flags of {@link TierFixture} ({@link #persistent}, {@link #bounded},
 * {@link #purges}, {@link #atomicBatches}, {@link #refusesAnotherSegmentCount}) and the factories
 * that go with them. A test that needs a capability the tier lacks is skipped by an assumption, so
 * a report shows it as skipped, never as passed.
 *
 * <p>The suite calls a tier as the engine does: it opens it with a {@link TierContext} of
 * {@value TierFixture#SEGMENTS} segments, a clock only the suite moves and a removal listener that
 * records every report; it names each key's segment by {@link KeyPlacement} in every call, writes a
 * segment from one thread at a time and reads from any thread. What only the engine and a tier
 * together promise (a partly applied batch, transient and permanent failures) runs through a real
 * {@link TieredCache} over the tier, wrapped in a {@link FaultInjectingTier}.
 *
 * <p>The tests come by topic, one interface each: {@link BatchesContract},
 * {@link HarmlessRetriesContract}, {@link FailuresUnderTheEngineContract}, {@link ExpiryContract},
 * {@link BulkReadsContract}, {@link EvictionsContract}, {@link CloseAndReopenContract},
 * {@link PrepareContract} and {@link ThreadingContract}. They use JUnit 5 and AssertJ only, so any
 * module with those on its test class path and cache-core's test-jar can run the suite.
 */
public abstract class LowerTierContract implements BatchesContract, HarmlessRetriesContract,
    FailuresUnderTheEngineContract, ExpiryContract, BulkReadsContract, EvictionsContract,
    CloseAndReopenContract, PrepareContract, ThreadingContract {

  private final ManualClock clock = new ManualClock();
  private final RecordedRemovals<String, String> removals = new RecordedRemovals<>();
  // Closed after each test, newest first; closing a tier twice is harmless by contract.
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private LowerTier<String, String> tier;

  @Override
  public ManualClock clock() {
    return clock;
  }

  @Override
  public RecordedRemovals<String, String> removals() {
    return removals;
  }

  @Override
  public LowerTier<String, String> tier() {
    if (tier == null) {
      openAsTheTier(newTier(), SEGMENTS);
    }
    return tier;
  }

  @Override
  public LowerTier<String, String> openAsTheTier(LowerTier<String, String> lower, int segments) {
    lower.open(new TierContext<>("conformance", segments, clock, removals));
    opened.push(lower);
    tier = lower;
    return lower;
  }

  @Override
  public void closeAfterTheTest(AutoCloseable resource) {
    opened.push(resource);
  }

  @AfterEach
  void closeWhatTheTestOpened() throws Exception {
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
  }
}
