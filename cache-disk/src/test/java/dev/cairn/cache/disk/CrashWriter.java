package dev.cairn.cache.disk;

import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link CrashSafetyTest} kills: opens the cache (recovering it if the last process was
 * killed, warming it if the last one closed cleanly), checks it against the oracle, then writes
 * the stream from two threads under write-behind and records every completed {@code flush()} in
 * the oracle file, until it is killed, or until it has written {@code closeAfter} operations and
 * closes the cache cleanly.
 *
 * <p>The two threads split the keys (even and odd), so each key's operations keep the stream's
 * order, and meet at a barrier every {@link CrashScenario#FLUSH_EVERY} operations, whose action
 * flushes: a recorded flush therefore covers every operation up to its sequence number.
 *
 * <p>Arguments: cache directory, oracle file, seed, flush interval in milliseconds, and the number
 * of operations after which to close cleanly (0: never). Prints {@code OPENED}, {@code WARMING n}
 * (keys the warm restart is refilling) and {@code WARMED} once it has, {@code VERIFIED}, {@code FLUSHING}, {@code FLUSHED},
 * {@code CLOSING},
 * {@code CLOSED} or {@code VIOLATION ...} lines; exits 3 on a violation, 4 if a writer failed.
 */
public final class CrashWriter {

  private static final int THREADS = 2;

  private CrashWriter() {
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    Path oracle = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    Duration flushInterval = Duration.ofMillis(Long.parseLong(args[3]));
    long closeAfter = Long.parseLong(args[4]);
    long flushed = CrashScenario.lastFlushed(oracle);
    TieredCache<String, String> cache = CrashScenario.open(directory, flushInterval);
    try (FileChannel record = CrashScenario.openOracle(oracle)) {
      System.out.println("OPENED");
      System.out.println("WARMING " + cache.warmUp().total());
      cache.warmUp().completion().thenRun(() -> System.out.println("WARMED"));
      List<String> violations = CrashScenario.check(seed, flushed, cache::get);
      if (!violations.isEmpty()) {
        System.out.println("VIOLATION after the flush covering seq " + flushed + ": "
            + violations.size() + " keys, first " + violations.subList(0,
            Math.min(5, violations.size())));
        System.out.flush();
        Runtime.getRuntime().halt(3);
      }
      System.out.println("VERIFIED " + flushed);
      long end = closeAfter > 0
          ? flushed + Math.min(closeAfter, CrashScenario.MAX_OPS_PER_PROCESS)
          : flushed + CrashScenario.MAX_OPS_PER_PROCESS;
      write(cache, record, seed, flushed, end);
    }
    System.out.println("CLOSING");
    cache.close();
    System.out.println("CLOSED");
  }

  private static void write(TieredCache<String, String> cache, FileChannel record, long seed,
      long flushed, long end) throws InterruptedException {
    AtomicLong barrierSeq = new AtomicLong();
    CyclicBarrier flushPoint = new CyclicBarrier(THREADS, () -> {
      System.out.println("FLUSHING");
      cache.flush();
      try {
        CrashScenario.recordFlush(record, barrierSeq.get());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.out.println("FLUSHED");
    });
    Thread[] writers = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int parity = t;
      writers[t] = new Thread(() -> {
        try {
          for (long seq = flushed + 1; seq <= end; seq++) {
            if (CrashScenario.index(CrashScenario.key(seed, seq)) % THREADS == parity) {
              CrashScenario.apply(cache, seed, seq);
            }
            if (seq % CrashScenario.FLUSH_EVERY == 0) {
              barrierSeq.set(seq);
              flushPoint.await();
            }
          }
        } catch (InterruptedException | BrokenBarrierException | RuntimeException e) {
          System.out.println("WRITER FAILED " + e);
          e.printStackTrace(System.out);
          System.out.flush();
          Runtime.getRuntime().halt(4);
        }
      }, "crash-writer-" + t);
      writers[t].start();
    }
    for (Thread writer : writers) {
      writer.join();
    }
  }
}
