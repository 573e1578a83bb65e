package dev.cairn.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.core.BackPressure;
import dev.cairn.cache.core.TieredCache;
import dev.cairn.cache.core.Weigher;
import dev.cairn.cache.jcache.CairnConfiguration;
import dev.cairn.cache.jcache.MapTierProvider;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.NullValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** cairn.cache properties and spring.cache.jcache.config reach the caches Spring uses. */
class CachePropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class,
          CacheAutoConfiguration.class))
      .withUserConfiguration(CachingApplication.class);

  @TempDir
  Path directory;

  @Test
  void everyPropertyReachesTheCacheConfiguration() {
    String p = "cairn.cache.caches.books.";
    runner.withPropertyValues(
        p + "key-type=java.lang.String",
        p + "value-type=dev.cairn.cache.spring.Book",
        p + "store-by-value=true",
        p + "statistics=true",
        p + "management=true",
        p + "memory.maximum-weight=4096",
        p + "memory.weigher=dev.cairn.cache.spring.CachePropertiesTest$UnitWeigher",
        p + "expiry.policy=created",
        p + "expiry.duration=90s",
        p + "disk.directory=" + directory.resolve("books"),
        p + "disk.maximum-entries=5000",
        p + "disk.maximum-bytes=64MB",
        p + "disk.allowed-classes=com.example.model.*,com.example.Extra",
        p + "disk.checkpoint-after=8MB",
        p + "disk.purge-interval=2m",
        p + "write-behind.segments=2",
        p + "write-behind.flush-interval=250ms",
        p + "write-behind.batch-size=64",
        p + "write-behind.buffer-capacity=1024",
        p + "write-behind.back-pressure=write-through",
        p + "write-behind.back-pressure-timeout=5s",
        p + "warm-up.restart=false",
        p + "warm-up.batch-size=32",
        p + "warm-up.loader=bookWarmUpLoader")
        .withBean("bookWarmUpLoader", NoBooks.class, NoBooks::new)
        .run(context -> {
          CairnConfiguration<?, ?> books = configuration(context, "books");
          assertThat(books.getKeyType()).isEqualTo(String.class);
          assertThat(books.getValueType()).isEqualTo(Book.class);
          assertThat(books.isStoreByValue()).isTrue();
          assertThat(books.isStatisticsEnabled()).isTrue();
          assertThat(books.isManagementEnabled()).isTrue();
          assertThat(books.getMaximumWeight()).isEqualTo(4096);
          assertThat(books.getWeigherFactory().create()).isInstanceOf(UnitWeigher.class);
          assertThat(books.getExpiryPolicyFactory().create())
              .isEqualTo(new CreatedExpiryPolicy(
                  new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 90_000)));
          assertThat(books.getLowerTier()).isEqualTo("disk");
          assertThat(books.getDirectory()).isEqualTo(directory.resolve("books"));
          assertThat(books.getLowerTierOptions()).as("as set; the disk tier reads them")
              .isEqualTo(Map.of(
                  "maximum-entries", "5000",
                  "maximum-bytes", "64MB",
                  "allowed-classes", "com.example.model.*,com.example.Extra",
                  "checkpoint-after", "8MB",
                  "purge-interval", "2m"));
          assertThat(lowerTier(context, "books")).isEqualTo("disk");
          assertThat(books.getSegments()).isEqualTo(2);
          assertThat(books.getFlushInterval()).isEqualTo(Duration.ofMillis(250));
          assertThat(books.getFlushBatchSize()).isEqualTo(64);
          assertThat(books.getWriteBufferCapacity()).isEqualTo(1024);
          assertThat(books.getBackPressure()).isEqualTo(BackPressure.WRITE_THROUGH);
          assertThat(books.getBackPressureTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(books.isWarmRestart()).isFalse();
          assertThat(books.getWarmUpBatchSize()).isEqualTo(32);
          assertThat(books.getWarmUpLoaderFactory().create())
              .isSameAs(context.getBean("bookWarmUpLoader"));
        });
  }

  @Test
  void unsetPropertiesKeepCairnConfigurationsDefaults() {
    runner.withPropertyValues("cairn.cache.caches.plain.statistics=false").run(context -> {
      CairnConfiguration<?, ?> plain = configuration(context, "plain");
      CairnConfiguration<Object, Object> fresh = new CairnConfiguration<>();
      assertThat(plain.getMaximumEntries()).isEqualTo(fresh.getMaximumEntries());
      assertThat(plain.getLowerTier()).isNull();
      assertThat(plain.getDirectory()).isNull();
      assertThat(lowerTier(context, "plain")).isNull();
      assertThat(plain.getSegments()).isEqualTo(fresh.getSegments());
      assertThat(plain.getFlushInterval()).isEqualTo(fresh.getFlushInterval());
      assertThat(plain.getFlushBatchSize()).isEqualTo(fresh.getFlushBatchSize());
      assertThat(plain.getWriteBufferCapacity()).isEqualTo(fresh.getWriteBufferCapacity());
      assertThat(plain.getBackPressure()).isEqualTo(fresh.getBackPressure());
      assertThat(plain.getBackPressureTimeout()).isEqualTo(fresh.getBackPressureTimeout());
      assertThat(plain.isWarmRestart()).isEqualTo(fresh.isWarmRestart());
      assertThat(plain.getWarmUpBatchSize()).isEqualTo(fresh.getWarmUpBatchSize());
      assertThat(plain.getExpiryPolicyFactory().create()).isInstanceOf(EternalExpiryPolicy.class);
      assertThat(plain.isStoreByValue()).as("by reference, as Spring's other caches").isFalse();
    });
  }

  @Test
  void defaultsApplyToEveryCacheAndACacheBlockOverridesThem() {
    runner.withPropertyValues(
        "cairn.cache.directory=" + directory,
        "cairn.cache.defaults.memory.maximum-entries=500",
        "cairn.cache.defaults.expiry.policy=accessed",
        "cairn.cache.defaults.expiry.duration=1m",
        "cairn.cache.defaults.write-behind.segments=2",
        "cairn.cache.caches.books.memory.maximum-weight=100",
        "cairn.cache.caches.books.memory.weigher="
            + "dev.cairn.cache.spring.CachePropertiesTest$UnitWeigher",
        "cairn.cache.caches.books.expiry.policy=eternal",
        "cairn.cache.caches.titles.write-behind.batch-size=7",
        "cairn.cache.caches.scratch.disk.enabled=false")
        .run(context -> {
          CairnConfiguration<?, ?> books = configuration(context, "books");
          assertThat(books.getMaximumWeight()).isEqualTo(100);
          assertThat(books.getExpiryPolicyFactory().create())
              .isInstanceOf(EternalExpiryPolicy.class);
          assertThat(books.getSegments()).isEqualTo(2);
          assertThat(books.getDirectory()).isEqualTo(directory.resolve("books"));
          assertThat(lowerTier(context, "books"))
              .as("the one tier on the class path that keeps files").isEqualTo("disk");

          CairnConfiguration<?, ?> titles = configuration(context, "titles");
          assertThat(titles.getMaximumEntries()).isEqualTo(500);
          assertThat(titles.getExpiryPolicyFactory().create()).isEqualTo(new AccessedExpiryPolicy(
              new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 60_000)));
          assertThat(titles.getFlushBatchSize()).isEqualTo(7);
          assertThat(titles.getSegments()).isEqualTo(2);
          assertThat(titles.getDirectory()).isEqualTo(directory.resolve("titles"));

          assertThat(configuration(context, "scratch").getDirectory()).isNull();
          assertThat(lowerTier(context, "scratch")).isNull();
        });
  }

  @Test
  void jcacheConfigFileDeclaresCachesNextToThoseOfTheProperties() {
    runner.withPropertyValues(
        "spring.cache.jcache.config=classpath:cairn-test.conf",
        "cairn.cache.caches.books.memory.maximum-entries=10")
        .run(context -> {
          CacheManager cacheManager = context.getBean(CacheManager.class);
          assertThat(cacheManager.getCacheNames()).containsExactlyInAnyOrder("authors", "books");
          CairnConfiguration<?, ?> authors = configuration(context, "authors");
          assertThat(authors.getMaximumEntries()).isEqualTo(321);
          assertThat(authors.getExpiryPolicyFactory().create()).isEqualTo(new AccessedExpiryPolicy(
              new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 300_000)));
          assertThat(configuration(context, "books").getMaximumEntries()).isEqualTo(10);
        });
  }

  @Test
  void theDefaultsTierSectionAppliesToEveryCacheAndABlockOverridesItKeyByKey() {
    runner.withPropertyValues(
        "cairn.cache.directory=" + directory,
        "cairn.cache.defaults.disk.maximum-entries=1000",
        "cairn.cache.defaults.disk.purge-interval=5m",
        "cairn.cache.caches.books.disk.maximum-entries=50",
        "cairn.cache.caches.titles.memory.maximum-entries=20")
        .run(context -> {
          CairnConfiguration<?, ?> books = configuration(context, "books");
          assertThat(books.getLowerTier()).isEqualTo("disk");
          assertThat(books.getDirectory()).isEqualTo(directory.resolve("books"));
          assertThat(books.getLowerTierOptions())
              .isEqualTo(Map.of("maximum-entries", "50", "purge-interval", "5m"));
          assertThat(configuration(context, "titles").getLowerTierOptions())
              .isEqualTo(Map.of("maximum-entries", "1000", "purge-interval", "5m"));
        });
  }

  @Test
  void aBlockWithOnlyATiersSectionDeclaresACache() {
    runner.withPropertyValues("cairn.cache.caches.books.disk.directory=" + directory.resolve("b"))
        .run(context -> assertThat(lowerTier(context, "books")).isEqualTo("disk"));
  }

  @Test
  void aSecondTierIsConfiguredThroughItsSectionWithItsOwnOptions() {
    runner.withPropertyValues(
        "cairn.cache.caches.orders.key-type=java.lang.String",
        "cairn.cache.caches.orders.map.label=orders",
        "cairn.cache.caches.orders.map.expected-size=100",
        "cairn.cache.caches.orders.map.pool.size=4")
        .run(context -> {
          CairnConfiguration<?, ?> orders = configuration(context, "orders");
          assertThat(orders.getLowerTier()).isEqualTo("map");
          assertThat(lowerTier(context, "orders")).isEqualTo("map");
          MapTierProvider.Created created = MapTierProvider.created("orders");
          assertThat(created.spec().options().asMap()).isEqualTo(Map.of(
              "label", "orders", "expected-size", "100", "pool.size", "4"));
          assertThat(created.spec().directory()).isNull();
        });
  }

  @Test
  void tierChoosesTheTierByNameOverTheDefaultsTier() {
    runner.withPropertyValues(
        "cairn.cache.directory=" + directory,
        "cairn.cache.defaults.disk.maximum-entries=1000",
        "cairn.cache.caches.orders.tier=map",
        "cairn.cache.caches.books.memory.maximum-entries=10")
        .run(context -> {
          assertThat(lowerTier(context, "orders")).isEqualTo("map");
          assertThat(configuration(context, "orders").getLowerTierOptions())
              .as("the disk's options are the disk's").isEmpty();
          assertThat(lowerTier(context, "books")).isEqualTo("disk");
        });
  }

  @Test
  void springsCacheKeysAndNullPlaceholderAreReadBackFromDiskWithoutBeingListed() {
    Path books = directory.resolve("books");
    String[] properties = {
        "cairn.cache.caches.books.disk.directory=" + books,
        "cairn.cache.caches.books.memory.maximum-entries=1"};
    runner.withPropertyValues(properties).run(context -> {
      javax.cache.Cache<Object, Object> cache =
          context.getBean(javax.cache.CacheManager.class).getCache("books");
      cache.put(new SimpleKey("a", 1), NullValue.INSTANCE);
      cache.put(new SimpleKey("b", 2), "two");
    });
    runner.withPropertyValues(properties).run(context -> {
      javax.cache.Cache<Object, Object> cache =
          context.getBean(javax.cache.CacheManager.class).getCache("books");
      assertThat(cache.get(new SimpleKey("a", 1))).isSameAs(NullValue.INSTANCE);
      assertThat(cache.get(new SimpleKey("b", 2))).isEqualTo("two");
    });
  }

  @Test
  void configurationMetadataDescribesEveryProperty() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = metadata.get("properties").valueStream()
        .map(property -> property.get("name").asString()).toList();
    assertThat(names).contains("cairn.cache.directory", "cairn.cache.caches",
        "cairn.cache.defaults.memory.maximum-entries", "cairn.cache.defaults.expiry.duration",
        "cairn.cache.defaults.tier", "cairn.cache.defaults.write-behind.flush-interval",
        "cairn.cache.defaults.write-behind.back-pressure", "cairn.cache.defaults.warm-up.restart");
    metadata.get("properties").valueStream().forEach(property ->
        assertThat(property.path("description").asString(""))
            .as("description of " + property.get("name").asString()).isNotBlank());
    JsonNode entries = metadata.get("properties").valueStream()
        .filter(p -> p.get("name").asString().equals("cairn.cache.defaults.memory.maximum-entries"))
        .findFirst().orElseThrow();
    assertThat(entries.get("defaultValue").asLong()).isEqualTo(
        CairnConfiguration.DEFAULT_MAXIMUM_ENTRIES);
  }

  /** The name of the cache's lower tier, as the engine has it, or {@code null}. */
  private static String lowerTier(AssertableApplicationContext context, String cacheName) {
    assertThat(context).hasNotFailed();
    return context.getBean(javax.cache.CacheManager.class).getCache(cacheName)
        .unwrap(TieredCache.class).lowerTierName();
  }

  private static CairnConfiguration<?, ?> configuration(AssertableApplicationContext context,
      String cacheName) {
    assertThat(context).hasNotFailed();
    javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
    javax.cache.Cache<?, ?> cache = jcache.getCache(cacheName);
    assertThat(cache).as("cache " + cacheName).isNotNull();
    return cache.getConfiguration(CairnConfiguration.class);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class CachingApplication {
  }

  /** Weighs every entry 1. */
  public static class UnitWeigher implements Weigher<Object, Object> {
    @Override
    public int weigh(Object key, Object value) {
      return 1;
    }
  }

  /** A warm-up loader with nothing to load. */
  static class NoBooks implements dev.cairn.cache.core.WarmUpLoader<Object, Object> {
    @Override
    public java.util.Set<Object> keys() {
      return java.util.Set.of();
    }

    @Override
    public Map<Object, Object> loadAll(java.util.Set<? extends Object> keys) {
      return Map.of();
    }
  }
}
