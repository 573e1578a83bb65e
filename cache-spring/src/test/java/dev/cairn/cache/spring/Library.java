package dev.cairn.cache.spring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow system of record behind the cached services: counts every load per key, so tests can
 * tell a cache hit from a call through. A test may hold loads at a gate to make callers overlap.
 */
public class Library {

  private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
  private final AtomicInteger totalLoads = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch entered = new CountDownLatch(1);

  /** Loads a book, counting the load. */
  public Book load(String isbn) {
    loads.computeIfAbsent(isbn, k -> new AtomicInteger()).incrementAndGet();
    totalLoads.incrementAndGet();
    entered.countDown();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Book(isbn, "Title of " + isbn);
  }

  /** Returns how many times the book was loaded. */
  public int loads(String isbn) {
    AtomicInteger count = loads.get(isbn);
    return count == null ? 0 : count.get();
  }

  /** Returns how many loads there were in all. */
  public int totalLoads() {
    return totalLoads.get();
  }

  /** Makes loads wait until the returned latch is counted down. */
  public CountDownLatch closeGate() {
    CountDownLatch latch = new CountDownLatch(1);
    gate = latch;
    return latch;
  }

  /** Counted down when the first load starts. */
  public CountDownLatch firstLoadEntered() {
    return entered;
  }
}
