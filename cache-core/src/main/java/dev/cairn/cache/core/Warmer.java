package dev.cairn.cache.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The warm-up thread of one cache: refills the memory tier from the lower tier's hot keys,
 * hottest first, then stores what the {@link WarmUpLoader} loads, batch by batch, reporting
 * progress to a {@link WarmUp} and to the log.
 *
 * <p>Every key goes through the cache's own per-key operations ({@link TieredCache#refill},
 * {@link TieredCache#storeLoaded}), under the key's lock, so warm-up never overwrites a newer write
 * and needs no locking of its own. One daemon thread: warm-up is a background speed-up, it must
 * neither compete with the application for the two cores nor keep a JVM alive.
 */
final class Warmer<K, V> {

  private static final System.Logger LOG = System.getLogger(Warmer.class.getName());

  /** How a phase of warm-up ended; only the log and {@link #run()}'s next step care. */
  private enum End {
    COMPLETE, MEMORY_FULL, CLOSED, FAILED
  }

  private final TieredCache<K, V> cache;
  private final List<K> hotKeys;
  private final WarmUpLoader<K, V> loader;
  private final int batchSize;
  private final WarmUp progress;
  private final Thread thread;
  // Set by close(). The thread is never interrupted instead: an interrupt during a disk read
  // closes the disk tier's FileChannel, which the final flush still needs.
  private volatile boolean stopping;
  // Last tenth of the total logged; only the warm-up thread touches it.
  private long loggedTenths;

  Warmer(TieredCache<K, V> cache, List<K> hotKeys, WarmUpLoader<K, V> loader, int batchSize,
      WarmUp progress) {
    this.cache = cache;
    this.hotKeys = hotKeys;
    this.loader = loader;
    this.batchSize = batchSize;
    this.progress = progress;
    this.thread = new Thread(this::run, "cairn-warmup-" + cache.name());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Asks the thread to stop after the key or batch at hand, and waits for it up to
   * {@code timeout}, so that it does not touch the tiers while the cache closes them. Returns
   * whether the wait was interrupted; the interrupt flag is then left for the caller to restore
   * once it has finished closing.
   */
  boolean stop(Duration timeout) {
    stopping = true;
    if (Thread.currentThread() == thread) {
      return false;   // close() called from a listener or loader running on the warm-up thread
    }
    try {
      thread.join(Math.max(1L, timeout.toMillis()));
    } catch (InterruptedException e) {
      LOG.log(Level.WARNING, () -> "Interrupted while waiting for the warm-up of cache '"
          + cache.name() + "' to stop; closing anyway, it stores nothing more");
      return true;
    }
    if (thread.isAlive()) {
      LOG.log(Level.WARNING, () -> "Warm-up of cache '" + cache.name() + "' did not stop within "
          + timeout.toMillis() + " ms (the warm-up loader is still loading a batch); closing"
          + " anyway, it stores nothing more");
    }
    return false;
  }

  private void run() {
    long start = System.nanoTime();
    End end = End.COMPLETE;
    try {
      List<K> loaderKeys = loaderKeys();
      progress.begin((long) hotKeys.size() + loaderKeys.size());
      String from = cache.lowerTierName() == null ? ""
          : hotKeys.size() + " hot keys from the " + cache.lowerTierName() + " tier, ";
      LOG.log(Level.INFO, () -> "Warming up cache '" + cache.name() + "' in the background: "
          + progress.total() + " keys (" + from + loaderKeys.size() + " from the warm-up loader)");
      end = refill();
      if (end != End.CLOSED && !loaderKeys.isEmpty()) {
        End loading = load(loaderKeys);
        end = loading == End.COMPLETE ? end : loading;
      }
    } catch (RuntimeException unexpected) {
      progress.fail(unexpected);
      end = End.FAILED;
    } catch (Error fatal) {
      progress.fail(fatal);
      end = End.FAILED;
      throw fatal;
    } finally {
      progress.finish();
      logEnd(end, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }

  private List<K> loaderKeys() {
    if (loader == null) {
      return List.of();
    }
    try {
      Set<K> keys = loader.keys();
      if (keys == null) {
        throw new NullPointerException("WarmUpLoader " + loader.getClass().getName()
            + ".keys() returned null; return an empty set to load nothing");
      }
      List<K> copy = new ArrayList<>(keys.size());
      for (K key : keys) {
        if (key == null) {
          throw new NullPointerException("WarmUpLoader " + loader.getClass().getName()
              + ".keys() returned a null key");
        }
        copy.add(key);
      }
      return copy;
    } catch (RuntimeException e) {
      loaderFailed(e, "naming its keys");
      return List.of();
    }
  }

  /** Promotes the hot keys from the lower tier, hottest first, until memory is full. */
  private End refill() {
    for (K key : hotKeys) {
      if (stopping) {
        return End.CLOSED;
      }
      if (cache.memoryIsFull()) {
        return End.MEMORY_FULL;
      }
      try {
        cache.refill(key);
      } catch (IllegalStateException e) {
        if (cache.isClosed()) {
          return End.CLOSED;
        }
        return refillFailed(e);
      } catch (RuntimeException e) {
        return refillFailed(e);
      }
      advance();
    }
    return End.COMPLETE;
  }

  private End refillFailed(RuntimeException e) {
    progress.fail(e);
    LOG.log(Level.WARNING, () -> "Warm-up of cache '" + cache.name() + "' could not read a hot key"
        + " from the " + cache.lowerTierName() + " tier and stops refilling memory from it; the"
        + " cache works as usual, reading such keys on demand", e);
    return End.FAILED;
  }

  /** Stores the loader's values batch by batch, never over a value or a write made meanwhile. */
  private End load(List<K> keys) {
    boolean boundedByMemory = cache.lowerTierName() == null;
    for (int from = 0; from < keys.size(); from += batchSize) {
      Set<K> batch = new LinkedHashSet<>(keys.subList(from, Math.min(keys.size(),
          from + batchSize)));
      if (stopping) {
        return End.CLOSED;
      }
      if (boundedByMemory && cache.memoryIsFull()) {
        return End.MEMORY_FULL;
      }
      Map<K, V> values;
      cache.beginLoading(batch);
      try {
        try {
          values = loader.loadAll(batch);
          if (values == null) {
            throw new NullPointerException("WarmUpLoader " + loader.getClass().getName()
                + ".loadAll returned null; return an empty map when nothing was found");
          }
        } catch (RuntimeException e) {
          loaderFailed(e, "loading a batch of " + batch.size() + " keys");
          return End.FAILED;
        }
        for (K key : batch) {
          if (stopping) {
            return End.CLOSED;
          }
          if (boundedByMemory && cache.memoryIsFull()) {
            return End.MEMORY_FULL;
          }
          V value = values.get(key);
          if (value != null) {
            try {
              cache.storeLoaded(key, value);
            } catch (IllegalStateException e) {
              if (cache.isClosed()) {
                return End.CLOSED;
              }
              loaderFailed(e, "storing a loaded value");
              return End.FAILED;
            } catch (RuntimeException e) {
              loaderFailed(e, "storing a loaded value");
              return End.FAILED;
            }
          }
          advance();
        }
      } finally {
        cache.endLoading();
      }
    }
    return End.COMPLETE;
  }

  private void loaderFailed(RuntimeException e, String doing) {
    progress.fail(e);
    LOG.log(Level.WARNING, () -> "The warm-up loader of cache '" + cache.name() + "' failed "
        + doing + "; warm-up stops loading and does not retry. The cache works as usual", e);
  }

  private void advance() {
    long loaded = progress.advance();
    long total = progress.total();
    long tenths = total == 0 ? 0 : loaded * 10 / total;
    if (tenths > loggedTenths && tenths < 10) {
      loggedTenths = tenths;
      LOG.log(Level.INFO, () -> "Warming up cache '" + cache.name() + "': " + (tenths * 10)
          + "% (" + loaded + " of " + total + " keys)");
    }
  }

  private void logEnd(End end, long millis) {
    String how = switch (end) {
      case COMPLETE, FAILED -> "done";
      case MEMORY_FULL -> "done, the memory tier is full";
      case CLOSED -> "stopped, the cache was closed";
    };
    String failed = progress.failure().map(failure -> "; part of it failed: " + failure)
        .orElse("");
    LOG.log(failed.isEmpty() ? Level.INFO : Level.WARNING, () -> "Warm-up of cache '"
        + cache.name() + "' " + how + ": " + progress.loaded() + " of " + progress.total()
        + " keys in " + millis + " ms" + failed);
  }
}
