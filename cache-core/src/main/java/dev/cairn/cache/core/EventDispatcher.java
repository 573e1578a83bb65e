package dev.cairn.cache.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Delivers events to listeners, in order per key and listener.
 *
 * <p>Events are published while the key's lock is held, at the instant the change takes effect, so
 * their order is the order of the changes. Delivery happens on the executor: each listener keeps a
 * chain of futures per key, and an event runs after the previous one of its key. A synchronous
 * listener's events are awaited by the thread that caused them, after it released the key's lock.
 */
final class EventDispatcher<K, V> {

  private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

  private final String cacheName;
  private final Executor executor;
  // Copy-on-write: the hot path reads the array once and finds it empty when nobody listens.
  private volatile Registration<K, V>[] registrations;
  private final ThreadLocal<List<CompletableFuture<Throwable>>> awaited =
      ThreadLocal.withInitial(ArrayList::new);
  // Set before the first synchronous registration is published and never cleared, so that every
  // operation of a cache that never had one skips the thread-local lookup in awaitSynchronous.
  private volatile boolean everSynchronous;

  @SuppressWarnings("unchecked")
  EventDispatcher(String cacheName, Executor executor) {
    this.cacheName = cacheName;
    this.executor = executor;
    this.registrations = new Registration[0];
  }

  boolean hasListeners() {
    return registrations.length > 0;
  }

  synchronized Runnable register(CacheEventListener<K, V> listener, Set<EventType> types,
      boolean synchronous) {
    Registration<K, V> registration =
        new Registration<>(listener, EnumSet.copyOf(types), synchronous);
    if (synchronous) {
      everSynchronous = true;
    }
    Registration<K, V>[] current = registrations;
    Registration<K, V>[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = registration;
    registrations = next;
    return () -> deregister(registration);
  }

  private synchronized void deregister(Registration<K, V> registration) {
    registrations = Arrays.stream(registrations)
        .filter(r -> r != registration)
        .toArray(size -> Arrays.copyOf(registrations, size));
  }

  /**
   * Queues an event; called while the key's lock is held. If {@code awaitable}, the current
   * thread's synchronous deliveries are remembered for {@link #awaitSynchronous()}.
   */
  void publish(EventType type, K key, V oldValue, V newValue, boolean awaitable) {
    Registration<K, V>[] current = registrations;
    if (current.length == 0) {
      return;
    }
    CacheEvent<K, V> event = new CacheEvent<>(cacheName, type, key, oldValue, newValue);
    for (Registration<K, V> registration : current) {
      if (registration.types.contains(type)) {
        CompletableFuture<Throwable> delivery = registration.enqueue(event, executor);
        if (registration.synchronous && awaitable) {
          awaited.get().add(delivery);
        }
      }
    }
  }

  /**
   * Waits for the synchronous deliveries this thread published. A listener's exception is
   * rethrown (wrapped in {@link CacheListenerException} if checked) after all were delivered.
   */
  void awaitSynchronous() {
    if (!everSynchronous) {
      return;
    }
    List<CompletableFuture<Throwable>> futures = awaited.get();
    if (futures.isEmpty()) {
      return;
    }
    Throwable first = null;
    try {
      for (CompletableFuture<Throwable> future : futures) {
        Throwable failure = future.join();
        if (failure != null && first == null) {
          first = failure;
        }
      }
    } finally {
      futures.clear();
    }
    if (first instanceof RuntimeException runtime) {
      throw runtime;
    } else if (first instanceof Error error) {
      throw error;
    } else if (first != null) {
      throw new CacheListenerException("A listener of cache '" + cacheName + "' failed", first);
    }
  }

  /** One listener with its per-key delivery chains. */
  private static final class Registration<K, V> {
    final CacheEventListener<K, V> listener;
    final Set<EventType> types;
    final boolean synchronous;
    final ConcurrentHashMap<K, CompletableFuture<Throwable>> tails = new ConcurrentHashMap<>();

    Registration(CacheEventListener<K, V> listener, Set<EventType> types, boolean synchronous) {
      this.listener = listener;
      this.types = types;
      this.synchronous = synchronous;
    }

    CompletableFuture<Throwable> enqueue(CacheEvent<K, V> event, Executor executor) {
      K key = event.key();
      CompletableFuture<Throwable> delivery = tails.compute(key, (k, previous) -> previous == null
          ? CompletableFuture.supplyAsync(() -> deliver(event), executor)
          : previous.thenApplyAsync(ignored -> deliver(event), executor));
      // The chain of a key is dropped once its last delivery is done, so idle keys cost nothing.
      delivery.whenComplete((failure, unexpected) -> tails.remove(key, delivery));
      return delivery;
    }

    private Throwable deliver(CacheEvent<K, V> event) {
      try {
        listener.onEvent(event);
        return null;
      } catch (Throwable failure) {
        if (!synchronous) {
          LOG.log(Level.WARNING, () -> "Asynchronous listener " + listener.getClass().getName()
              + " failed on " + event, failure);
        }
        return failure;
      }
    }
  }
}
