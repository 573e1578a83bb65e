package dev.cairn.cache.jcache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The README's JCache example works as printed: its count survives from one run to the next. */
class JCacheExampleTest {

  private static final Path DIRECTORY =
      Path.of(System.getProperty("java.io.tmpdir"), "cairn-example");

  @BeforeEach
  @AfterEach
  void deleteTheExamplesFiles() throws IOException {
    if (Files.exists(DIRECTORY)) {
      try (Stream<Path> paths = Files.walk(DIRECTORY)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  @Test
  void eachRunCountsOneMoreVisitThanTheLast() {
    assertThat(run()).contains("This is run number 1 of the example.");
    assertThat(run()).contains("This is run number 2 of the example.");
    assertThat(run()).contains("This is run number 3 of the example.");
  }

  private static String run() {
    PrintStream original = System.out;
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
    try {
      JCacheExample.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    return output.toString(StandardCharsets.UTF_8);
  }
}
