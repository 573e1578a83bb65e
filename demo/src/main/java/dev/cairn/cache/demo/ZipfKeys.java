package dev.cairn.cache.demo;

import java.util.Arrays;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Product ids 1 to n drawn with Zipf popularity: id k is drawn in proportion to 1/k^s, so a few
 * products take most of the traffic and a long tail is read now and then, as in a real catalog.
 * The cumulative weights are computed once and shared; each client draws from its own seeded
 * {@link Random}, so a run is repeatable.
 */
final class ZipfKeys {

  private final double[] cumulative;

  ZipfKeys(long n, double exponent) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Too many products for the workload's key table: " + n);
    }
    cumulative = new double[(int) n];
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += 1 / Math.pow(k, exponent);
      cumulative[k - 1] = sum;
    }
  }

  /** Returns a source of ids for one client, repeatable for a given seed. */
  LongSupplier client(long seed) {
    Random random = new Random(seed);
    double total = cumulative[cumulative.length - 1];
    return () -> {
      int index = Arrays.binarySearch(cumulative, random.nextDouble() * total);
      return (index < 0 ? -index - 1 : index) + 1L;
    };
  }
}
