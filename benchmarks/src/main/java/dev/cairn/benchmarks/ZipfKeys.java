package dev.cairn.benchmarks;

import java.util.SplittableRandom;

/**
 * A trace of keys drawn from a Zipf distribution, computed once before measuring so that no
 * provider pays for drawing random numbers, and the same in every process (fixed seed).
 *
 * <p>Rank {@code r} (1 is the most popular) is drawn with probability proportional to
 * {@code 1 / r^exponent}, by inverting the cumulative distribution with a binary search. Ranks are
 * then mapped to keys through a fixed random permutation, so that popular keys are not neighbours
 * in any hash table: a skewed trace, not a sequential one.
 */
public final class ZipfKeys {

  /** The skew YCSB and Caffeine's own benchmarks use. */
  public static final double EXPONENT = 0.99;

  private ZipfKeys() {
  }

  /**
   * Returns {@code length} key indexes in {@code [0, keySpace)}, Zipf-distributed with
   * {@link #EXPONENT}, drawn with {@code seed}.
   */
  public static int[] indexes(int keySpace, int length, double exponent, long seed) {
    double[] cumulative = new double[keySpace];
    double total = 0;
    for (int rank = 1; rank <= keySpace; rank++) {
      total += 1 / Math.pow(rank, exponent);
      cumulative[rank - 1] = total;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] permutation = permutation(keySpace, random);
    int[] trace = new int[length];
    for (int i = 0; i < length; i++) {
      double u = random.nextDouble() * total;
      int low = 0;
      int high = keySpace - 1;
      while (low < high) {
        int middle = (low + high) >>> 1;
        if (cumulative[middle] < u) {
          low = middle + 1;
        } else {
          high = middle;
        }
      }
      trace[i] = permutation[low];
    }
    return trace;
  }

  /**
   * Returns {@code length} boxed keys in {@code [0, keySpace)} as above. Each distinct key is one
   * shared {@code Integer} instance, as keys held by an application would be, so a lookup compares
   * equal objects rather than allocating.
   */
  public static Integer[] boxed(int keySpace, int length, long seed) {
    Integer[] distinct = new Integer[keySpace];
    for (int i = 0; i < keySpace; i++) {
      distinct[i] = i;
    }
    int[] indexes = indexes(keySpace, length, EXPONENT, seed);
    Integer[] trace = new Integer[length];
    for (int i = 0; i < length; i++) {
      trace[i] = distinct[indexes[i]];
    }
    return trace;
  }

  static int[] permutation(int size, SplittableRandom random) {
    int[] permutation = new int[size];
    for (int i = 0; i < size; i++) {
      permutation[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = swap;
    }
    return permutation;
  }
}
