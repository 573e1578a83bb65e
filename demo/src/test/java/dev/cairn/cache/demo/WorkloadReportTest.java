package dev.cairn.cache.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default run drives the workload and reports what the cache did, figures that add up. */
class WorkloadReportTest {

  static final int REQUESTS = 4_000;

  @TempDir
  Path data;

  /** A short run: a small catalog, a memory tier smaller than its popular part, 1 ms queries. */
  static String[] smallRun(Path data) {
    return new String[] {"--demo.data-directory=" + data, "--demo.database.products=2000",
        "--demo.database.latency=1ms", "--demo.workload.requests=" + REQUESTS,
        "--demo.workload.baseline-requests=200", "--demo.workload.threads=2",
        "--cairn.cache.caches.products.memory.maximum-entries=200"};
  }

  @Test
  void defaultRunReportsLatenciesTierHitRatesAndQueriesAvoided() {
    Report report = DemoApplication.runWorkload(smallRun(data));

    assertThat(report.requests()).isEqualTo(REQUESTS);
    assertThat(report.updates()).as("updates at a 2%% share").isBetween(1, REQUESTS / 10);
    assertThat(report.withCache().count()).isEqualTo(report.reads());
    assertThat(report.cache().gets()).as("reads the cache counted").isEqualTo(report.reads());
    // Two counts kept apart: the repository's reads and the cache's misses.
    assertThat(report.databaseReads()).as("database reads").isEqualTo(report.cache().misses())
        .isPositive();
    assertThat(report.queriesAvoided()).isEqualTo(report.reads() - report.databaseReads())
        .isEqualTo(report.cache().hits());
    assertThat(report.cache().memoryHits() + report.cache().diskHits())
        .as("memory hits plus disk hits").isEqualTo(report.cache().hits());
    assertThat(report.cache().memoryHits()).isPositive();
    assertThat(report.cache().diskHits()).as("hits on disk after memory evicted").isPositive();

    assertThat(report.withoutCache().count()).isEqualTo(200);
    assertThat(report.withoutCache().p50()).as("a read from the database waits its latency")
        .isGreaterThanOrEqualTo(report.databaseLatency());
    assertThat(report.withCache().p50()).as("median read with the cache")
        .isLessThan(report.withoutCache().p50());
    assertThat(report.withCache().p99()).isGreaterThanOrEqualTo(report.withCache().p50());
    assertThat(report.withoutCache().p99()).isGreaterThanOrEqualTo(report.withoutCache().p50());

    assertThat(report.memoryEntriesAtStart()).as("memory at the start of a first run").isZero();
    assertThat(report.previousRun()).isEmpty();
    assertThat(report.text()).contains("without the cache", "with the cache", "memory tier",
        "disk tier", "database queries avoided", String.format("%,d", report.queriesAvoided()));
  }
}
