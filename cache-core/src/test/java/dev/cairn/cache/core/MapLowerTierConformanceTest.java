package dev.cairn.cache.core;

import dev.cairn.cache.core.tier.LowerTier;
import dev.cairn.cache.core.tier.LowerTierContract;

/**
 * The engine's in-memory test tier runs the tier conformance suite with every capability. It runs
 * as {@link MapLowerTier#persistent}, the variant warm-restart tests use in place of a disk tier,
 * so that reopening is covered too; the plain variant differs only in making its maps at open.
 */
class MapLowerTierConformanceTest extends LowerTierContract {

  @Override
  public LowerTier<String, String> newTier() {
    return MapLowerTier.persistent(SEGMENTS);
  }

  @Override
  public boolean persistent() {
    return true;
  }

  /** The same tier: its entries outlive its close, as files would. */
  @Override
  public LowerTier<String, String> reopen(LowerTier<String, String> closed) {
    return closed;
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
    return MapLowerTier.<String, String>persistent(SEGMENTS).maximumEntries(maxEntries);
  }

  @Override
  public boolean purges() {
    return true;
  }

  @Override
  public void purgeExpired(LowerTier<String, String> tier) {
    ((MapLowerTier<String, String>) tier).purgeExpired();
  }

  @Override
  public boolean atomicBatches() {
    return true;
  }
}
