package dev.cairn.cache.demo;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo's own settings, under {@code demo} (defaults in {@code application.yml}; any of them
 * can be given on the command line, {@code --demo.workload.requests=100000}).
 *
 * @param dataDirectory where the database and the cache live ({@code ./data}); a second run over
 *     the same directory restarts warm
 * @param database the system of record
 * @param workload what the default run does
 */
@ConfigurationProperties("demo")
public record DemoSettings(Path dataDirectory, Database database, Workload workload) {

  /** Checks every setting, naming the property that is wrong. */
  public DemoSettings {
    require(dataDirectory != null, "demo.data-directory", "is missing");
    require(database != null && workload != null, "demo.database and demo.workload",
        "are missing");
  }

  /**
   * The product table and the cost of a query.
   *
   * @param products rows created in an empty database (ids 1 to this)
   * @param latency the wait before every query, standing in for the network round trip to a
   *     database server (see {@link ProductRepository})
   */
  public record Database(long products, Duration latency) {

    /** Checks the settings, naming the property that is wrong. */
    public Database {
      require(products >= 1, "demo.database.products", "must be at least 1, was " + products);
      require(latency != null && !latency.isNegative(), "demo.database.latency",
          "must be 0 or more, was " + latency);
    }
  }

  /**
   * The default run's workload: reads with a skewed (Zipf) key popularity, some of them updates.
   *
   * @param requests requests through the cached service
   * @param baselineRequests reads sent to the database directly, to measure the latency without
   *     the cache
   * @param threads concurrent clients
   * @param updateShare the share of requests that update a price (and evict the product)
   * @param zipfExponent the popularity skew: 0 is uniform, about 1 is typical of web traffic
   * @param seed the random seed: the same seed sends the same keys in the same order
   * @param warmUpTimeout how long the run waits for the cache to refill its memory from disk
   *     before it starts
   */
  public record Workload(int requests, int baselineRequests, int threads, double updateShare,
      double zipfExponent, long seed, Duration warmUpTimeout) {

    /** Checks the settings, naming the property that is wrong. */
    public Workload {
      require(threads >= 1, "demo.workload.threads", "must be at least 1, was " + threads);
      require(requests >= threads, "demo.workload.requests",
          "must be at least demo.workload.threads (" + threads + "), was " + requests);
      require(baselineRequests >= threads, "demo.workload.baseline-requests",
          "must be at least demo.workload.threads (" + threads + "), was " + baselineRequests);
      require(updateShare >= 0 && updateShare < 1, "demo.workload.update-share",
          "must be from 0 up to (not including) 1, was " + updateShare);
      require(zipfExponent >= 0, "demo.workload.zipf-exponent",
          "must be 0 or more, was " + zipfExponent);
      require(warmUpTimeout != null && !warmUpTimeout.isNegative(),
          "demo.workload.warm-up-timeout", "must be 0 or more, was " + warmUpTimeout);
    }
  }

  private static void require(boolean condition, String property, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(property + " " + problem
          + "; set it in application.yml or on the command line (--" + property + "=...)");
    }
  }
}
