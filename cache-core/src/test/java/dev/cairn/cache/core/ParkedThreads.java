package dev.cairn.cache.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;

/**
 * Threads a test starts and then waits for until all of them are parked (blocked in a wait: for a
 * load in flight, a latch, a lock), so that "they all got there first" is arranged, not hoped for.
 */
public final class ParkedThreads implements AutoCloseable {

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Thread> started = new CopyOnWriteArrayList<>();

  /** Runs {@code call} on a thread of its own. */
  public <T> Future<T> submit(Callable<T> call) {
    return pool.submit(() -> {
      started.add(Thread.currentThread());
      return call.call();
    });
  }

  /** Waits (ten seconds at most) until {@code count} threads have started and all are parked. */
  public void awaitParked(int count) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == count
        && started.stream().allMatch(thread -> thread.getState() == Thread.State.WAITING
            || thread.getState() == Thread.State.TIMED_WAITING));
  }

  /** Interrupts what is still running and stops the threads. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
