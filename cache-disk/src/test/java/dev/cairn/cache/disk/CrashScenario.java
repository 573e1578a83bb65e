package dev.cairn.cache.disk;

import dev.cairn.cache.core.TieredCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The workload of the crash tests and its oracle, shared by the writer process and the test.
 *
 * <p>The writes form one endless, deterministic stream: operation {@code seq} puts or removes a key
 * chosen from {@code seq} and the seed, and a put's value names its {@code seq}. Every writer process
 * resumes the stream just after the last completed {@code flush()} recorded in the oracle file, so
 * whatever a killed process left on disk is a prefix-consistent part of the same stream. That makes
 * the check exact: after a completed flush covering operations 1..S, every key must hold the value
 * of its last operation at or before S, or the value of a later operation on that key (at most
 * {@link #MAX_OPS_PER_PROCESS} past S), and never a value the stream did not write to it.
 */
final class CrashScenario {

  static final int KEYS = 4_000;
  static final int SEGMENTS = 4;
  static final int FLUSH_EVERY = 300;
  static final int MAX_OPS_PER_PROCESS = 12_000;
  private static final String PADDING = "x".repeat(96);

  private CrashScenario() {
  }

  static TieredCache<String, String> open(Path directory) {
    return open(directory, Duration.ofMillis(5));
  }

  static TieredCache<String, String> open(Path directory, Duration flushInterval) {
    return TieredCache.<String, String>builder("crash")
        .segments(SEGMENTS)
        // a quarter of the keys: evictions and promotions all the time, and a warm-up that takes
        // long enough for kills to land in it
        .maximumSize(1_000)
        .flushInterval(flushInterval)
        .flushBatchSize(64)
        .writeBufferCapacity(1_024)
        // small checkpoints, so that kills also land in the middle of taking one
        .lowerTier(DiskTier.of(directory, Serializers.string(), Serializers.string())
            .checkpointAfter(96 * 1024))
        .build();
  }

  static String key(long seed, long seq) {
    return "k" + Math.floorMod(mix(seed * 31 + seq), KEYS);
  }

  static boolean isRemove(long seed, long seq) {
    return Math.floorMod(mix(seed ^ (seq * 0x9E3779B97F4A7C15L)), 8) == 0;
  }

  static String value(long seq) {
    return seq + "|" + PADDING;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** Returns the seq of the last completed flush in the oracle file, or 0 if none completed. */
  static long lastFlushed(Path oracle) throws IOException {
    if (!Files.exists(oracle)) {
      return 0;
    }
    String text = Files.readString(oracle, StandardCharsets.US_ASCII);
    int end = text.lastIndexOf('\n');   // a line cut short by the kill has no newline: ignored
    if (end < 0) {
      return 0;
    }
    int start = text.lastIndexOf('\n', end - 1) + 1;
    return Long.parseLong(text.substring(start, end));
  }

  /** Appends a completed flush to the oracle and forces it to the device before returning. */
  static void recordFlush(FileChannel oracle, long seq) throws IOException {
    ByteBuffer line = ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII));
    while (line.hasRemaining()) {
      oracle.write(line);
    }
    oracle.force(true);
  }

  static FileChannel openOracle(Path oracle) throws IOException {
    return FileChannel.open(oracle, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
  }

  /** Applies operation {@code seq} of the stream. */
  static void apply(TieredCache<String, String> cache, long seed, long seq) {
    if (isRemove(seed, seq)) {
      cache.remove(key(seed, seq));
    } else {
      cache.put(key(seed, seq), value(seq));
    }
  }

  /**
   * Checks every key against the stream after a completed flush covering 1..{@code flushed};
   * returns the violations found (empty when the store kept its promise).
   */
  static List<String> check(long seed, long flushed, Function<String, String> read) {
    long[] last = new long[KEYS];   // seq of the last operation on each key at or before flushed
    for (long seq = 1; seq <= flushed; seq++) {
      last[index(key(seed, seq))] = seq;
    }
    List<String> violations = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "k" + i;
      String actual = read.apply(key);
      long expected = last[i];
      boolean expectAbsent = expected == 0 || isRemove(seed, expected);
      if (actual == null) {
        if (!expectAbsent && !laterRemoveExists(seed, key, flushed)) {
          violations.add(key + " is missing; its last flushed write was seq " + expected);
        }
        continue;
      }
      long seq = seqOf(actual);
      boolean written = seq >= 1 && key(seed, seq).equals(key) && !isRemove(seed, seq)
          && actual.equals(value(seq));
      if (!written) {
        violations.add(key + " holds '" + abbreviate(actual) + "', which was never written to it");
      } else if (seq < expected || (seq <= flushed && seq != expected)) {
        violations.add(key + " holds seq " + seq + " but the flush covering seq " + flushed
            + " wrote seq " + expected + (expectAbsent ? " (a removal)" : ""));
      } else if (seq > flushed + MAX_OPS_PER_PROCESS) {
        violations.add(key + " holds seq " + seq + ", beyond any writer's reach");
      }
    }
    return violations;
  }

  private static boolean laterRemoveExists(long seed, String key, long flushed) {
    for (long seq = flushed + 1; seq <= flushed + MAX_OPS_PER_PROCESS; seq++) {
      if (isRemove(seed, seq) && key(seed, seq).equals(key)) {
        return true;
      }
    }
    return false;
  }

  static int index(String key) {
    return Integer.parseInt(key, 1, key.length(), 10);
  }

  private static long seqOf(String value) {
    int bar = value.indexOf('|');
    try {
      return bar < 1 ? -1 : Long.parseLong(value, 0, bar, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String abbreviate(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }
}
