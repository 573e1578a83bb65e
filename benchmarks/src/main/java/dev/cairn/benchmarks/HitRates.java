package dev.cairn.benchmarks;

import dev.cairn.cache.core.TieredCache;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the hit rate of Cairn's memory tier (Caffeine's W-TinyLFU, through the engine) against
 * an LRU of the same size ({@link LinkedHashMap} in access order) on synthetic traces generated
 * with fixed seeds, as a Markdown table. Each access reads the key and, on a miss, puts it.
 *
 * <p>Traces, over {@value #KEY_SPACE} keys, {@value #LENGTH} accesses each: Zipf with exponent
 * 0.99 (strongly skewed), Zipf 0.7 (mildly skewed), and a scan-heavy mix in which Zipf 0.99
 * accesses are interrupted every 20,000 accesses by a scan of 10,000 keys never seen before, the
 * pattern that flushes an LRU. Not a JMH benchmark: a hit rate is a count, not a time.
 */
public final class HitRates {

  static final int KEY_SPACE = 100_000;
  static final int LENGTH = 2_000_000;
  static final int[] SIZES = {1_000, 5_000, 20_000};

  private HitRates() {
  }

  public static void main(String[] args) {
    CairnLogs.warningsOnly();
    System.out.println("| trace | cache size | W-TinyLFU (Cairn) | LRU | difference |");
    System.out.println("|---|---:|---:|---:|---:|");
    print("Zipf 0.99", ZipfKeys.indexes(KEY_SPACE, LENGTH, 0.99, 11));
    print("Zipf 0.7", ZipfKeys.indexes(KEY_SPACE, LENGTH, 0.7, 12));
    print("Zipf 0.99 + scans", scanHeavy());
  }

  private static void print(String name, int[] trace) {
    for (int size : SIZES) {
      double cairn = cairn(trace, size);
      double lru = lru(trace, size);
      System.out.printf(Locale.ROOT, "| %s | %,d | %.2f%% | %.2f%% | %+.2f pp |%n", name, size,
          100 * cairn, 100 * lru, 100 * (cairn - lru));
    }
  }

  static int[] scanHeavy() {
    int[] skewed = ZipfKeys.indexes(KEY_SPACE, LENGTH, 0.99, 13);
    int[] trace = new int[LENGTH];
    int fresh = KEY_SPACE;
    for (int i = 0, z = 0; i < LENGTH; ) {
      for (int n = 0; n < 20_000 && i < LENGTH; n++) {
        trace[i++] = skewed[z++];
      }
      for (int n = 0; n < 10_000 && i < LENGTH; n++) {
        trace[i++] = fresh++;
      }
    }
    return trace;
  }

  static double cairn(int[] trace, int size) {
    long hits = 0;
    try (TieredCache<Integer, Integer> cache = TieredCache.<Integer, Integer>builder("hit-rate")
        .maximumSize(size)
        .build()) {
      for (int key : trace) {
        if (cache.get(key) != null) {
          hits++;
        } else {
          cache.put(key, key);
        }
      }
    }
    return (double) hits / trace.length;
  }

  static double lru(int[] trace, int size) {
    Map<Integer, Integer> cache = new LinkedHashMap<>(2 * size, 0.75f, true) {
      @Override protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
        return size() > size;
      }
    };
    long hits = 0;
    for (int key : trace) {
      if (cache.get(key) != null) {
        hits++;
      } else {
        cache.put(key, key);
      }
    }
    return (double) hits / trace.length;
  }
}
