package dev.cairn.cache.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Remembers the last run's first second in the data directory ({@code last-run.properties}), so
 * the next run over the same cache can show what its warm restart changed.
 */
final class RunHistory {

  private final Path file;

  RunHistory(Path dataDirectory) {
    this.file = dataDirectory.resolve("last-run.properties");
  }

  /** Returns the last run's first second, or empty on a first run (or an unreadable file). */
  Optional<FirstSecond> previous() {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
      return Optional.of(new FirstSecond(
          Long.parseLong(properties.getProperty("first-second.reads")),
          Double.parseDouble(properties.getProperty("first-second.hit-rate")),
          Double.parseDouble(properties.getProperty("first-second.memory-hit-rate"))));
    } catch (IOException | RuntimeException e) {
      // Only a comparison is lost; the report says there is none.
      return Optional.empty();
    }
  }

  /** Records this run's first second for the next run. */
  void save(FirstSecond firstSecond) {
    Properties properties = new Properties();
    properties.setProperty("first-second.reads", Long.toString(firstSecond.reads()));
    properties.setProperty("first-second.hit-rate", Double.toString(firstSecond.hitRate()));
    properties.setProperty("first-second.memory-hit-rate",
        Double.toString(firstSecond.memoryHitRate()));
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(writer, "The Cairn demo's last run, compared with by the next one");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": check that the data directory"
          + " (demo.data-directory) is writable", e);
    }
  }
}
