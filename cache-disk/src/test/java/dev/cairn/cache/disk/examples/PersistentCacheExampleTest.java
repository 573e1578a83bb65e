package dev.cairn.cache.disk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.TieredCache;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentCacheExampleTest {

  @TempDir
  Path temp;

  @Test
  void theReadmeExampleReadsItsCountsBackAfterARestart() {
    Path directory = temp.resolve("visits");
    assertThat(PersistentCacheExample.run(directory)).isEqualTo(42L);
    try (TieredCache<String, Long> visits = PersistentCacheExample.open(directory)) {
      assertThat(visits.get("about")).isEqualTo(7L);
      assertThat(visits.size()).isEqualTo(2);
    }
  }
}
