package dev.cairn.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.TieredCache;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the Spring context flushes every write-behind buffer: nothing acknowledged is lost. */
class GracefulShutdownTest {

  private static final int SAVED = 200;
  private static final int LOADED = 200;

  @TempDir
  Path directory;

  @Test
  void closingTheContextFlushesWriteBehindBuffersToDisk() {
    try (ConfigurableApplicationContext context = start()) {
      BookService service = context.getBean(BookService.class);
      for (int i = 0; i < SAVED; i++) {
        service.save(new Book("saved-" + i, "Saved " + i));
      }
      for (int i = 0; i < LOADED; i++) {
        service.find("loaded-" + i);
      }
      // An hour's flush interval and batches larger than what was written: it is all still in
      // the buffers, and only the close can have put it on disk.
      assertThat(books(context).statistics().pendingWrites()).isEqualTo(SAVED + LOADED);
    }

    try (ConfigurableApplicationContext context = start()) {
      BookService service = context.getBean(BookService.class);
      Library library = context.getBean(Library.class);
      for (int i = 0; i < SAVED; i++) {
        assertThat(service.find("saved-" + i)).isEqualTo(new Book("saved-" + i, "Saved " + i));
      }
      for (int i = 0; i < LOADED; i++) {
        assertThat(service.find("loaded-" + i))
            .isEqualTo(new Book("loaded-" + i, "Title of loaded-" + i));
      }
      assertThat(library.totalLoads()).as("loads after the restart").isZero();
    }
  }

  private ConfigurableApplicationContext start() {
    SpringApplication application = new SpringApplication(LibraryApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    return application.run(
        "--cairn.cache.caches.books.disk.directory=" + directory.resolve("books"),
        "--cairn.cache.caches.books.disk.allowed-classes=dev.cairn.cache.spring.Book",
        "--cairn.cache.caches.books.statistics=true",
        "--cairn.cache.caches.books.write-behind.flush-interval=1h",
        "--cairn.cache.caches.books.write-behind.batch-size=10000");
  }

  private static TieredCache<?, ?> books(ConfigurableApplicationContext context) {
    return context.getBean(javax.cache.CacheManager.class).getCache("books")
        .unwrap(TieredCache.class);
  }
}
