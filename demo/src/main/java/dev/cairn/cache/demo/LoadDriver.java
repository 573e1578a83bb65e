package dev.cairn.cache.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Sends a phase's requests from concurrent clients, each drawing product ids from the Zipf
 * popularity with its own seed, and times every read.
 */
final class LoadDriver {

  /** Sets a product's price. */
  @FunctionalInterface
  interface PriceUpdate {
    void apply(long id, long priceCents);
  }

  /**
   * What a phase did.
   *
   * @param reads the latency of its reads
   * @param updates the updates it sent
   */
  record Outcome(Latency reads, int updates) {
  }

  /** How long after the start {@code afterOneSecond} runs. */
  static final Duration FIRST_SECOND = Duration.ofSeconds(1);

  private final ZipfKeys keys;
  private final int clients;
  private final long seed;

  LoadDriver(ZipfKeys keys, int clients, long seed) {
    this.keys = keys;
    this.clients = clients;
    this.seed = seed;
  }

  /**
   * Sends {@code requests} requests and returns when all are answered.
   *
   * @param updateShare the share of requests that are price updates (the rest are reads)
   * @param afterOneSecond run once a second after the start, or when the phase ends if sooner
   */
  Outcome run(int requests, double updateShare, LongConsumer read, PriceUpdate update,
      Runnable afterOneSecond) {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<long[]>> clientTimes = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int share = requests / clients + (c < requests % clients ? 1 : 0);
        long clientSeed = seed * 31 + c;
        clientTimes.add(pool.submit(() -> client(share, clientSeed, updateShare, read, update)));
      }
      pool.shutdown();
      pool.awaitTermination(FIRST_SECOND.toNanos(), TimeUnit.NANOSECONDS);
      afterOneSecond.run();
      List<long[]> times = new ArrayList<>();
      for (Future<long[]> client : clientTimes) {
        times.add(client.get());
      }
      long[] all = times.stream().flatMapToLong(Arrays::stream).toArray();
      return new Outcome(Latency.of(all), requests - all.length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the workload was running", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("A workload client failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  // Returns the read times in nanoseconds; updates are sent but not timed.
  private long[] client(int requests, long clientSeed, double updateShare, LongConsumer read,
      PriceUpdate update) {
    LongSupplier ids = keys.client(clientSeed);
    Random choices = new Random(~clientSeed);
    long[] times = new long[requests];
    int reads = 0;
    for (int i = 0; i < requests; i++) {
      long id = ids.getAsLong();
      if (choices.nextDouble() < updateShare) {
        update.apply(id, 100 + choices.nextInt(10_000));
      } else {
        long start = System.nanoTime();
        read.accept(id);
        times[reads++] = System.nanoTime() - start;
      }
    }
    return Arrays.copyOf(times, reads);
  }
}
