package dev.cairn.cache.disk;

import dev.cairn.cache.core.CacheStatistics;
import dev.cairn.cache.core.CacheWriteException;
import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The process {@link DiskFullTest} starts on a disk that fills up: it writes to a cache until a
 * flush fails, checks what the cache does then, and reports it on standard output, one
 * {@value #REPORT} line per fact, for the test to judge. It runs in its own JVM so that a disk tier
 * that died of a full disk (a SIGBUS from a memory-mapped file, say) fails the test instead of
 * killing the test JVM.
 *
 * <p>Arguments: the cache directory, and optionally a ballast file to delete once the failure was
 * seen, which gives the disk room again so that the retries can succeed.
 */
final class DiskFullWriter {

  static final String REPORT = "disk-full-report ";
  static final String CACHE_NAME = "disk-full";
  /** Flush after this many puts, so "flushed through" moves in steps the test can check. */
  static final int FLUSH_EVERY = 64;
  /** More entries than any disk this test fills can hold: reaching it is a failure. */
  static final int MAX_ENTRIES = 200_000;
  private static final Duration WAIT_FOR_RETRIES = Duration.ofSeconds(5);
  private static final String PADDING = "x".repeat(1_000);
  // Held here because JUL keeps loggers only weakly, and the handler counting warnings with it.
  private static final Logger WRITE_BEHIND_LOG =
      Logger.getLogger("dev.cairn.cache.core.WriteBehind");

  private DiskFullWriter() {
  }

  /** The cache both this process and the test open the directory with. */
  static TieredCache<Long, String> open(Path directory) {
    return TieredCache.<Long, String>builder(CACHE_NAME)
        .maximumSize(16)
        .segments(2)
        .flushInterval(Duration.ofMillis(5))
        .flushBatchSize(FLUSH_EVERY)
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
        .closeTimeout(Duration.ofMillis(300))
        .statisticsEnabled(true)
        .lowerTier(DiskTier.of(directory, Serializers.longs(), Serializers.string()))
        .build();
  }

  /** The value stored under {@code key}: about 1 kB, so the disk fills after a few thousand. */
  static String value(long key) {
    return "value-" + key + "-" + PADDING;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path directory = Path.of(args[0]);
    Path ballast = args.length > 1 ? Path.of(args[1]) : null;
    AtomicInteger warnings = countWarnings();
    report(out, "file-size-limit", fileSizeLimit());

    TieredCache<Long, String> cache = open(directory);
    long flushedThrough = -1;
    long written = -1;
    CacheWriteException failure = null;
    while (failure == null && written < MAX_ENTRIES) {
      written++;
      cache.put(written, value(written));
      if ((written + 1) % FLUSH_EVERY == 0) {
        try {
          cache.flush();
          flushedThrough = written;
        } catch (CacheWriteException e) {
          failure = e;
        }
      }
    }
    report(out, "flushed-through", flushedThrough);
    report(out, "written-through", written);
    if (failure == null) {
      report(out, "flush-error", "none");
      finish(out, cache);
      return;
    }
    report(out, "flush-error", chain(failure));
    CacheStatistics stats = cache.statistics();
    report(out, "flush-failures", stats.flushFailures());
    report(out, "pending", stats.pendingWrites());
    report(out, "serves-all-written", servesAll(cache, written));

    // The lanes keep retrying in the background: the failure count grows with no flush() called.
    long seen = stats.flushFailures();
    report(out, "retried-in-background",
        await(() -> cache.statistics().flushFailures() > seen));
    report(out, "pending-after-retries", cache.statistics().pendingWrites());
    report(out, "serves-all-written-after-retries", servesAll(cache, written));
    // The warning is logged just after the failure is counted: wait for it too.
    await(() -> warnings.get() > 0);
    report(out, "warnings-logged", warnings.get());

    if (ballast != null) {
      Files.delete(ballast);
      boolean drained = await(() -> cache.statistics().pendingWrites() == 0);
      report(out, "drained-after-space-freed", drained);
      try {
        cache.flush();
        report(out, "flush-after-space-freed", "ok");
      } catch (CacheWriteException e) {
        report(out, "flush-after-space-freed", chain(e));
      }
    }
    finish(out, cache);
  }

  /** Closes the cache (on a disk that may still be full) and exits. */
  private static void finish(PrintStream out, TieredCache<Long, String> cache) {
    try {
      cache.close();
      report(out, "close", "ok");
    } catch (RuntimeException e) {
      report(out, "close", chain(e));
    }
    report(out, "done", true);
    // The flush lanes are daemon threads; exit now rather than wait for anything else.
    System.exit(0);
  }

  /** Returns "true", or what went wrong with the first key not served right. */
  private static String servesAll(TieredCache<Long, String> cache, long written) {
    for (long key = 0; key <= written; key++) {
      try {
        String value = cache.get(key);
        if (!value(key).equals(value)) {
          return "key " + key + ": " + (value == null ? "missing" : "wrong value");
        }
      } catch (RuntimeException e) {
        return "key " + key + ": " + chain(e);
      }
    }
    return "true";
  }

  /** Polls: the retries run on the cache's own timer, which this process cannot be told of. */
  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_FOR_RETRIES.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return true;
  }

  /** Counts the warnings the write-behind machinery logs (System.Logger goes to JUL here). */
  private static AtomicInteger countWarnings() {
    AtomicInteger count = new AtomicInteger();
    WRITE_BEHIND_LOG.addHandler(new Handler() {
      @Override public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          count.incrementAndGet();
        }
      }

      @Override public void flush() {
      }

      @Override public void close() {
      }
    });
    return count;
  }

  private static String fileSizeLimit() throws IOException {
    Path limits = Path.of("/proc/self/limits");
    if (!Files.isReadable(limits)) {
      return "unknown";
    }
    return Files.readAllLines(limits).stream().filter(line -> line.startsWith("Max file size"))
        .map(line -> line.replaceAll("\\s+", " ")).findFirst().orElse("unknown");
  }

  /** Every exception of the chain, class and message, on one line. */
  static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return text.toString().replace('\n', ' ');
  }

  private static void report(PrintStream out, String key, Object value) {
    out.println(REPORT + key + "=" + value);
  }
}
