package dev.cairn.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cache names as directory names under a base directory. */
class CacheDirectoryNameTest {

  private static final List<String> NAMES = List.of("users", "Users", "orders/eu", "orders%2Feu",
      "a:b", "a b", "..", ".", ".hidden", "x/../y", "C:\\temp", "naïve", "日本", "tab\tnul\0",
      "dev.cairn.Cache-1_2");

  @Test
  void safeNamesAreKeptAsTheyAre() {
    assertThat(CacheDirectoryName.of("users")).isEqualTo("users");
    assertThat(CacheDirectoryName.of("dev.cairn.Cache-1_2")).isEqualTo("dev.cairn.Cache-1_2");
  }

  @Test
  void otherCharactersArePercentEncodedAsUtf8() {
    assertThat(CacheDirectoryName.of("orders/eu")).isEqualTo("orders%2Feu");
    assertThat(CacheDirectoryName.of("a b")).isEqualTo("a%20b");
    assertThat(CacheDirectoryName.of("naïve")).isEqualTo("na%C3%AFve");
    assertThat(CacheDirectoryName.of("100%")).isEqualTo("100%25");
  }

  @Test
  void noNameLeavesTheBaseDirectoryOrHidesItself() {
    Path base = Path.of("/base");
    for (String name : NAMES) {
      String directory = CacheDirectoryName.of(name);
      assertThat(base.resolve(directory).normalize().getParent()).as(name).isEqualTo(base);
      assertThat(directory).as(name).doesNotStartWith(".").matches("[A-Za-z0-9._%-]+");
    }
  }

  @Test
  void distinctNamesGiveDistinctDirectoriesAndDecodeBack() {
    for (String name : NAMES) {
      assertThat(URLDecoder.decode(CacheDirectoryName.of(name), StandardCharsets.UTF_8))
          .as(name).isEqualTo(name);
    }
    assertThat(NAMES.stream().map(CacheDirectoryName::of).distinct()).hasSameSizeAs(NAMES);
  }

  @Test
  void anEmptyNameIsRefused() {
    assertThatThrownBy(() -> CacheDirectoryName.of("")).isInstanceOf(
        IllegalArgumentException.class);
  }
}
