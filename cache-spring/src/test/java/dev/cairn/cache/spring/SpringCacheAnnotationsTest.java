package dev.cairn.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.jcache.CairnCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.test.annotation.DirtiesContext;

/** Spring's caching annotations on a real bean, in a real Spring Boot application over Cairn. */
@SpringBootTest(classes = LibraryApplication.class, properties = {
    "cairn.cache.caches.books.memory.maximum-entries=1000",
    "cairn.cache.caches.titles.expiry.policy=created",
    "cairn.cache.caches.titles.expiry.duration=10m"})
@DirtiesContext
class SpringCacheAnnotationsTest {

  @Autowired
  BookService service;

  @Autowired
  Library library;

  @Autowired
  CacheManager cacheManager;

  @AfterEach
  void emptyCaches() {
    cacheManager.getCacheNames().forEach(name -> cacheManager.getCache(name).clear());
  }

  @Test
  void springCachesAreCairnCachesDeclaredInProperties() {
    assertThat(cacheManager).isInstanceOf(JCacheCacheManager.class);
    assertThat(cacheManager.getCacheNames()).containsExactlyInAnyOrder("books", "titles");
    assertThat(cacheManager.getCache("books").getNativeCache()).isInstanceOf(CairnCache.class);
  }

  @Test
  void cacheableLoadsOnceAndServesRepeatsFromTheCache() {
    Book first = service.find("111");
    Book second = service.find("111");

    assertThat(second).isSameAs(first);
    assertThat(library.loads("111")).isEqualTo(1);
  }

  @Test
  void synchronizedCacheableLoadsEachKeyExactlyOnceUnderConcurrency() throws Exception {
    int keys = 4;
    int threadsPerKey = 8;
    CountDownLatch gate = library.closeGate();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(keys * threadsPerKey);
    List<Thread> callers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger calling = new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<Future<Book>> results = new ArrayList<>();
      for (int i = 0; i < keys * threadsPerKey; i++) {
        String isbn = "sync-" + (i % keys);
        results.add(pool.submit(() -> {
          synchronized (callers) {
            callers.add(Thread.currentThread());
          }
          start.await();
          calling.incrementAndGet();
          return service.findSynchronized(isbn);
        }));
      }
      start.countDown();
      // Every caller has called and is parked (in a load held at the gate, or waiting for one)
      // before any load may finish, so they all overlap.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        synchronized (callers) {
          return calling.get() == keys * threadsPerKey && library.totalLoads() >= keys
              && callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                  || t.getState() == Thread.State.TIMED_WAITING
                  || t.getState() == Thread.State.BLOCKED);
        }
      });
      gate.countDown();
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get().isbn()).isEqualTo("sync-" + (i % keys));
      }
    } finally {
      pool.shutdownNow();
    }
    for (int k = 0; k < keys; k++) {
      assertThat(library.loads("sync-" + k)).as("loads of sync-" + k).isEqualTo(1);
    }
  }

  @Test
  void cachePutReplacesTheValueWithoutLoading() {
    service.find("222");
    Book revised = new Book("222", "Revised");

    service.save(revised);

    assertThat(service.find("222")).isEqualTo(revised);
    assertThat(library.loads("222")).isEqualTo(1);
  }

  @Test
  void cacheEvictRemovesOneKeyAndLeavesTheOthers() {
    service.find("333");
    service.find("334");

    service.forget("333");
    service.find("333");
    service.find("334");

    assertThat(library.loads("333")).isEqualTo(2);
    assertThat(library.loads("334")).isEqualTo(1);
  }

  @Test
  void cacheEvictAllEntriesEmptiesTheCache() {
    service.find("444");
    service.find("445");

    service.forgetAll();
    service.find("444");
    service.find("445");

    assertThat(library.loads("444")).isEqualTo(2);
    assertThat(library.loads("445")).isEqualTo(2);
  }

  @Test
  void cachingPutsIntoOneCacheAndEvictsFromAnother() {
    assertThat(service.title("555")).isEqualTo("Title of 555");

    service.rename("555", "Renamed");

    assertThat(service.find("555").title()).isEqualTo("Renamed");
    assertThat(service.title("555")).isEqualTo("Title of 555");
    assertThat(library.loads("555")).as("the title was evicted and loaded again").isEqualTo(2);
  }

  @Test
  void customKeyGeneratorMakesTheKey() {
    service.findByIsbnAnyCase("abc-1");
    service.findByIsbnAnyCase("ABC-1");

    assertThat(library.loads("ABC-1")).isEqualTo(1);
    Cache books = cacheManager.getCache("books");
    assertThat(books.get("isbn:ABC-1", Book.class)).isEqualTo(new Book("ABC-1", "Title of ABC-1"));
  }
}
