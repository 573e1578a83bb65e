package dev.cairn.cache.core;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link CacheStatistics}; striped so that counting never contends. */
final class StatisticsCounters {

  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder removals = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder expirations = new LongAdder();
  final LongAdder getNanos = new LongAdder();
  final LongAdder putNanos = new LongAdder();
  final LongAdder removeNanos = new LongAdder();
  final LongAdder memoryHits = new LongAdder();
  final LongAdder memoryMisses = new LongAdder();
  final LongAdder lowerHits = new LongAdder();
  final LongAdder lowerMisses = new LongAdder();
  final LongAdder memoryEvictions = new LongAdder();
  // counted from the lower tier's removal reports; also counted in evictions
  final LongAdder lowerEvictions = new LongAdder();

  void reset() {
    for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, evictions, expirations,
        getNanos, putNanos, removeNanos, memoryHits, memoryMisses, lowerHits, lowerMisses,
        memoryEvictions, lowerEvictions}) {
      adder.reset();
    }
  }

  CacheStatistics snapshot(WriteBehind<?, ?> writeBehind) {
    return new CacheStatistics(hits.sum(), misses.sum(), puts.sum(), removals.sum(),
        evictions.sum(), expirations.sum(), getNanos.sum(), putNanos.sum(),
        removeNanos.sum(), memoryHits.sum(), memoryMisses.sum(), lowerHits.sum(),
        lowerMisses.sum(), memoryEvictions.sum(), lowerEvictions.sum(),
        writeBehind == null ? 0 : writeBehind.pendingCount(),
        writeBehind == null ? 0 : writeBehind.flushedBatches.sum(),
        writeBehind == null ? 0 : writeBehind.flushedEntries.sum(),
        writeBehind == null ? 0 : writeBehind.flushFailures.sum(),
        writeBehind == null ? 0 : writeBehind.flushNanos.sum());
  }
}
