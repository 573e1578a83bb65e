package dev.cairn.cache.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A tier's options read as a configuration file writes them (HOCON's size and duration syntax,
 * ISO-8601 durations), and every refusal naming the cache, the tier, the option, where it was set,
 * the value and what was expected.
 */
class TierOptionsTest {

  private static TierOptions options(String name, String value) {
    return TierOptions.of("users", "disk", Map.of(name, value),
        option -> "key cairn.caches.users.disk." + option + " at line 7 of file:/etc/cairn.conf");
  }

  @ParameterizedTest
  @CsvSource({"4096, 4096", "64m, 67108864", "64M, 67108864", "64MiB, 67108864",
      "4g, 4294967296", "2 kibibytes, 2048", "1kB, 1000", "3MB, 3000000", "1 TB, 1000000000000",
      "7B, 7"})
  void sizesReadAsHoconReadsThem(String written, long bytes) {
    assertThat(options("maximum-bytes", written).bytes("maximum-bytes", -1)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "lots", "64x", "1.5m", "", "99999999999g",
      "99999999999999999999"})
  void aSizeThatIsNotOneIsRefusedNamingEverything(String written) {
    assertThatThrownBy(() -> options("maximum-bytes", written).bytes("maximum-bytes", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'maximum-bytes'")
        .hasMessageContaining("disk tier of cache 'users'")
        .hasMessageContaining("line 7 of file:/etc/cairn.conf")
        .hasMessageContaining("'" + written + "'")
        .hasMessageContaining("such as 4096, 64m or 4g");
  }

  @ParameterizedTest
  @CsvSource({"PT1M, 60000", "pt1m, 60000", "1m, 60000", "1 minute, 60000", "2 minutes, 120000",
      "60s, 60000", "60000, 60000", "60000ms, 60000", "1h, 3600000", "1d, 86400000", "0, 0",
      "PT0S, 0"})
  void durationsReadAsHoconOrIso(String written, long millis) {
    assertThat(options("purge-interval", written).duration("purge-interval", null))
        .isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1 fortnight", "-PT1M", "soon", "1.5m", ""})
  void aDurationThatIsNotOneIsRefusedNamingEverything(String written) {
    assertThatThrownBy(() -> options("purge-interval", written).duration("purge-interval", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'purge-interval'")
        .hasMessageContaining("line 7")
        .hasMessageContaining("'" + written + "'");
  }

  @Test
  void anUnknownOptionIsRefusedWithTheNearestKnownName() {
    assertThatThrownBy(() -> options("maximum-entires", "5")
        .requireOnly(List.of("maximum-entries", "maximum-bytes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown option 'maximum-entires' of the disk tier of cache 'users'")
        .hasMessageContaining("line 7 of file:/etc/cairn.conf")
        .hasMessageContaining("did you mean 'maximum-entries'?")
        .hasMessageContaining("[maximum-entries, maximum-bytes]");
  }

  @Test
  void anUnrelatedNameGetsNoSuggestion() {
    assertThat(TierOptions.nearest("colour", List.of("maximum-entries", "purge-interval")))
        .isNull();
    assertThat(TierOptions.nearest("purge-intervall", List.of("maximum-entries",
        "purge-interval"))).isEqualTo("purge-interval");
  }

  @Test
  void unsetOptionsGiveTheDefault() {
    TierOptions none = TierOptions.of("users", "disk", Map.of());
    assertThat(none.bytes("maximum-bytes", LowerTier.UNBOUNDED)).isEqualTo(LowerTier.UNBOUNDED);
    assertThat(none.positive("maximum-entries", 5)).isEqualTo(5);
    assertThat(none.duration("purge-interval", Duration.ofMinutes(1)))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(none.bool("enabled", true)).isTrue();
  }
}
