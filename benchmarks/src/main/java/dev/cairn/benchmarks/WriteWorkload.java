package dev.cairn.benchmarks;

import java.util.SplittableRandom;

/**
 * The writes every variant of a suite makes, computed once before measuring so that no variant
 * pays for making its input: write number {@code w} puts key {@code w mod keySpace} with a value of
 * {@link #VALUE_LENGTH} ASCII characters from a pool drawn with a fixed seed.
 *
 * <p>The pool's size is prime to the key spaces used, so a key gets a different value on each pass
 * over the key space: every write after the first pass is a real update, as in a cache whose
 * entries change.
 */
public final class WriteWorkload {

  /** Characters per value: about the size of a small cached record. */
  public static final int VALUE_LENGTH = 100;

  private static final int VALUE_POOL = 1_009;
  private static final long SEED = 42;

  private final String[] keys;
  private final String[] values;

  /** Creates the workload over {@code keySpace} distinct keys; the same in every process. */
  public WriteWorkload(int keySpace) {
    keys = new String[keySpace];
    for (int i = 0; i < keySpace; i++) {
      keys[i] = "key-" + i;
    }
    SplittableRandom random = new SplittableRandom(SEED);
    values = new String[VALUE_POOL];
    for (int i = 0; i < VALUE_POOL; i++) {
      char[] chars = new char[VALUE_LENGTH];
      for (int c = 0; c < chars.length; c++) {
        chars[c] = (char) ('a' + random.nextInt(26));
      }
      values[i] = new String(chars);
    }
  }

  /** Returns the number of distinct keys. */
  public int keySpace() {
    return keys.length;
  }

  /** Returns the key of write number {@code write}. */
  public String key(long write) {
    return keys[(int) (write % keys.length)];
  }

  /** Returns the value of write number {@code write}. */
  public String value(long write) {
    return values[(int) (write % values.length)];
  }
}
