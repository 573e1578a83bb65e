package dev.cairn.cache.jcache.examples;

import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Cairn through the plain JCache API, the README's example: a cache declared in a configuration
 * file, kept on disk, so every run of this program counts one more visit than the last.
 */
public final class JCacheExample {

  private JCacheExample() {
  }

  /** Counts this run in the persistent {@code visits} cache and prints the count. */
  public static void main(String[] args) {
    URI config = URI.create("classpath:examples/cairn-example.conf");
    try (CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(config, JCacheExample.class.getClassLoader())) {
      Cache<String, Long> visits = manager.getCache("visits", String.class, Long.class);
      long count = visits.invoke("runs", (entry, arguments) -> {
        long next = entry.exists() ? entry.getValue() + 1 : 1;
        entry.setValue(next);
        return next;
      });
      System.out.println("This is run number " + count + " of the example.");
    } // closing the manager flushes the cache to disk
  }
}
