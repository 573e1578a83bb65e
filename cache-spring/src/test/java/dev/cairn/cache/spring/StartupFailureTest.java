package dev.cairn.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Mistakes under cairn.cache fail start-up of a real application, and Spring Boot's failure report
 * (printed by the failure analyzers registered in spring.factories) names the property at fault.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

  @Test
  void unknownKeyFailsStartupNamingItAndTheKeyMeant(CapturedOutput output) {
    Throwable failure = start("--cairn.cache.caches.books.memory.maximum-entires=10");

    assertThat(failure).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("Property: cairn.cache.caches.books.memory.maximum-entires")
        .contains("'maximum-entires' is not a key of a memory section. Did you mean"
            + " 'maximum-entries'? The keys of a memory section are: maximum-entries,"
            + " maximum-weight, weigher");
  }

  @Test
  void unknownKeyOfACacheBlockListsTheBlocksKeys(CapturedOutput output) {
    start("--cairn.cache.caches.books.time-to-live=10m");

    assertThat(output).contains("Property: cairn.cache.caches.books.time-to-live")
        .contains("'time-to-live' is not a key of a cache block. The keys of a cache block are:"
            + " key-type, value-type, store-by-value, statistics, management, memory, expiry,"
            + " tier, write-behind, warm-up; and a section per tier on the class path: ")
        .containsPattern("on the class path: (disk, map|map, disk)");
  }

  @Test
  void mistypedTierSectionFailsStartupNamingTheTierMeant(CapturedOutput output) {
    start("--cairn.cache.caches.books.dsik.directory=/tmp/books");

    assertThat(output).contains("Property: cairn.cache.caches.books.dsik.directory")
        .contains("'dsik' is not a key of a cache block. Did you mean 'disk'?");
  }

  @Test
  void unknownDiskOptionFailsStartupNamingThePropertyAndTheOptionMeant(CapturedOutput output,
      @TempDir Path directory) {
    Throwable failure = start(
        "--cairn.cache.caches.books.disk.directory=" + directory.resolve("books"),
        "--cairn.cache.caches.books.disk.maximum-entires=10");

    assertThat(failure).hasRootCauseInstanceOf(IllegalArgumentException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("Property: cairn.cache.caches.books.disk")
        .contains("Reason: Unknown option 'maximum-entires' of the disk tier of cache 'books'"
            + " (property cairn.cache.caches.books.disk.maximum-entires); did you mean"
            + " 'maximum-entries'?");
  }

  @Test
  void badDiskOptionValueFailsStartupNamingTheProperty(CapturedOutput output,
      @TempDir Path directory) {
    start("--cairn.cache.directory=" + directory,
        "--cairn.cache.defaults.disk.purge-interval=sometimes",
        "--cairn.cache.caches.books.memory.maximum-entries=10");

    assertThat(output).contains("Property: cairn.cache.defaults.disk")
        .contains("Reason: Option 'purge-interval' of the disk tier of cache 'books' (property"
            + " cairn.cache.defaults.disk.purge-interval) cannot be 'sometimes'");
  }

  @Test
  void unknownOptionOfASecondTierFailsStartupTheSameWay(CapturedOutput output) {
    start("--cairn.cache.caches.orders.map.lable=orders");

    assertThat(output).contains("Property: cairn.cache.caches.orders.map")
        .contains("Reason: Unknown option 'lable' of the map tier of cache 'orders' (property"
            + " cairn.cache.caches.orders.map.lable); did you mean 'label'?");
  }

  @Test
  void directoryUnderTheDefaultsFailsStartup(CapturedOutput output) {
    start("--cairn.cache.defaults.disk.directory=/tmp/shared",
        "--cairn.cache.caches.books.memory.maximum-entries=10");

    assertThat(output).contains("Property: cairn.cache.defaults.disk.directory")
        .contains("Reason: caches cannot share one directory");
  }

  @Test
  void settingThatContradictsAnotherFailsStartupNamingIt(CapturedOutput output) {
    Throwable failure = start("--cairn.cache.caches.books.expiry.policy=created");

    assertThat(failure).hasRootCauseInstanceOf(InvalidCacheDeclarationException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("A Cairn cache could not be created:")
        .contains("Property: cairn.cache.caches.books.expiry.duration")
        .contains("Reason: the created policy needs a duration")
        .contains("Set cairn.cache.caches.books.expiry.duration, such as 10m");
  }

  @Test
  void outOfRangeValueFailsStartupNamingTheProperty(CapturedOutput output) {
    start("--cairn.cache.caches.books.write-behind.segments=0");

    assertThat(output).contains("Property: cairn.cache.caches.books.write-behind.segments")
        .contains("Value: \"0\"")
        .contains("Reason: must be at least 1");
  }

  @Test
  void valueOfTheWrongTypeFailsStartupNamingTheProperty(CapturedOutput output) {
    start("--cairn.cache.caches.books.write-behind.back-pressure=sometimes");

    // Spring Boot's own report is clear here: it names the property and the values it takes.
    assertThat(output).contains("cairn.cache.caches.books.write-behind.back-pressure")
        .contains("BLOCK").contains("WRITE_THROUGH");
  }

  @Test
  void cacheDeclaredInTheFileAndInPropertiesFailsStartup(CapturedOutput output) {
    start("--spring.cache.jcache.config=classpath:cairn-test.conf",
        "--cairn.cache.caches.authors.memory.maximum-entries=5");

    assertThat(output).contains("Property: cairn.cache.caches.authors")
        .contains("has a cache of that name already: the configuration file named by"
            + " spring.cache.jcache.config declares it too");
  }

  @Test
  void cacheThatCannotOpenItsTierFailsStartupWithTheReason(CapturedOutput output,
      @TempDir Path directory) {
    String shared = directory.resolve("shared").toString();

    start("--cairn.cache.caches.books.disk.directory=" + shared,
        "--cairn.cache.caches.titles.disk.directory=" + shared);

    assertThat(output).contains("Property: cairn.cache.caches.titles")
        .contains("Reason: the cache could not be created: Cache 'titles' could not be created")
        .contains(shared)
        .contains("one cache per directory, in one process at a time");
    assertThat(start("--cairn.cache.caches.books.disk.directory=" + shared))
        .as("the failed start released the directory it had opened").isNull();
  }

  private static Throwable start(String... arguments) {
    SpringApplication application = new SpringApplication(LibraryApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    return catchThrowable(() -> application.run(arguments).close());
  }
}
