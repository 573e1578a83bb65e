package dev.cairn.cache.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second run over the same data directory starts with the cache the first one left. */
class WarmRestartTest {

  @TempDir
  Path data;

  @Test
  void secondRunOverTheSameDataStartsWarm() {
    Report first = DemoApplication.runWorkload(WorkloadReportTest.smallRun(data));
    Report second = DemoApplication.runWorkload(WorkloadReportTest.smallRun(data));

    assertThat(first.memoryEntriesAtStart()).isZero();
    assertThat(second.memoryEntriesAtStart()).as("memory refilled from disk at start")
        .isPositive();
    assertThat(second.firstSecond().memoryHitRate()).as("first second's memory hit rate")
        .isGreaterThan(first.firstSecond().memoryHitRate());
    assertThat(second.firstSecond().hitRate()).as("first second's hit rate")
        .isGreaterThan(first.firstSecond().hitRate());
    assertThat(second.databaseReads()).as("database reads").isLessThan(first.databaseReads());
    assertThat(second.previousRun()).contains(first.firstSecond());
    assertThat(second.text()).contains("restarted warm");
  }
}
