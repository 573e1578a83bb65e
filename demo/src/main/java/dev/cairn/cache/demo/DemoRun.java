package dev.cairn.cache.demo;

import dev.cairn.cache.core.TieredCache;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.CacheManager;

/**
 * The default run: the workload through the cached service, then reads sent to the database
 * directly for the latency without the cache, and the report.
 *
 * <p>The cached phase comes first so that its first second is the application's first second:
 * after a restart over the same data directory, it shows what the warm restart brought.
 */
public class DemoRun {

  private final ProductService service;
  private final ProductRepository repository;
  private final CacheMeters meters;
  private final CacheManager cacheManager;
  private final DemoSettings settings;

  /** Creates the run; the application declares it as a bean. */
  public DemoRun(ProductService service, ProductRepository repository, CacheMeters meters,
      CacheManager cacheManager, DemoSettings settings) {
    this.service = service;
    this.repository = repository;
    this.meters = meters;
    this.cacheManager = cacheManager;
    this.settings = settings;
  }

  /** Runs the workload and returns the report; the next run over the directory compares. */
  public Report run() {
    DemoSettings.Workload workload = settings.workload();
    // As a readiness probe would: the refill from disk takes milliseconds, and waiting for it
    // makes the first second's figures depend on the cache, not on thread scheduling.
    TieredCache<?, ?> products = productsCache();
    products.warmUp().await(workload.warmUpTimeout());
    long memoryEntriesAtStart = products.memoryTierSize();

    LoadDriver driver = new LoadDriver(new ZipfKeys(repository.products(),
        workload.zipfExponent()), workload.threads(), workload.seed());
    CacheCounts start = meters.read();
    long databaseReadsBefore = repository.reads();
    AtomicReference<CacheCounts> afterOneSecond = new AtomicReference<>();
    LoadDriver.Outcome cached = driver.run(workload.requests(), workload.updateShare(),
        service::find, service::updatePrice,
        () -> afterOneSecond.set(meters.read().since(start)));
    CacheCounts cache = meters.read().since(start);
    long databaseReads = repository.reads() - databaseReadsBefore;

    LoadDriver.Outcome direct = driver.run(workload.baselineRequests(), 0, repository::find,
        repository::updatePrice, () -> { });

    RunHistory history = new RunHistory(settings.dataDirectory());
    FirstSecond firstSecond = FirstSecond.of(afterOneSecond.get());
    Report report = new Report(repository.products(), settings.database().latency(),
        workload.requests(), cached.updates(), cached.reads(), direct.reads(), cache,
        databaseReads, memoryEntriesAtStart, firstSecond, history.previous());
    history.save(firstSecond);
    return report;
  }

  private TieredCache<?, ?> productsCache() {
    javax.cache.Cache<?, ?> cache = cacheManager.getCache(ProductService.CACHE);
    if (cache == null) {
      throw new IllegalStateException("No cache '" + ProductService.CACHE + "' in the JCache"
          + " manager: declare it under cairn.cache.caches in application.yml");
    }
    return cache.unwrap(TieredCache.class);
  }
}
