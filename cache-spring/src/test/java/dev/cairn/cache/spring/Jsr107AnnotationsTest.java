package dev.cairn.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.test.annotation.DirtiesContext;

/** The JSR-107 annotations on a real bean, through Spring's JCache support, over Cairn. */
@SpringBootTest(classes = LibraryApplication.class, properties = "cairn.cache.caches.books.memory.maximum-entries=100")
@DirtiesContext
class Jsr107AnnotationsTest {

  @Autowired
  Jsr107BookService service;

  @Autowired
  Library library;

  @Autowired
  CacheManager cacheManager;

  @AfterEach
  void emptyCache() {
    cacheManager.getCache("books").clear();
  }

  @Test
  void cacheResultLoadsOnceAndServesRepeatsFromTheCache() {
    Book first = service.find("j1");

    assertThat(service.find("j1")).isEqualTo(first);
    assertThat(library.loads("j1")).isEqualTo(1);
    assertThat(cacheManager.getCache("books").get("j1", Book.class)).isEqualTo(first);
  }

  @Test
  void cachePutStoresTheAnnotatedValue() {
    Book book = new Book("j2", "Put");

    service.save("j2", book);

    assertThat(service.find("j2")).isEqualTo(book);
    assertThat(library.loads("j2")).isZero();
  }

  @Test
  void cacheRemoveRemovesOneKey() {
    service.find("j3");
    service.find("j4");

    service.forget("j3");
    service.find("j3");
    service.find("j4");

    assertThat(library.loads("j3")).isEqualTo(2);
    assertThat(library.loads("j4")).isEqualTo(1);
  }

  @Test
  void cacheRemoveAllEmptiesTheCache() {
    service.find("j5");
    service.find("j6");

    service.forgetAll();
    service.find("j5");
    service.find("j6");

    assertThat(library.loads("j5")).isEqualTo(2);
    assertThat(library.loads("j6")).isEqualTo(2);
  }
}
