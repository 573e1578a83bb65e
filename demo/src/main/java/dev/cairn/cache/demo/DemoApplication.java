package dev.cairn.cache.demo;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import javax.cache.CacheManager;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The demo: a product service over an embedded H2 database, cached by Cairn with
 * {@code @Cacheable}, the cache persistent under {@code ./data}.
 *
 * <p>By default it runs a short workload, prints the {@link Report} and exits; run it again for a
 * warm restart. With {@code --serve} it serves {@code /products/{id}} and the actuator
 * ({@code health}, {@code metrics}, {@code prometheus}, {@code caches}) until stopped.
 */
@SpringBootApplication
@EnableCaching
@EnableConfigurationProperties(DemoSettings.class)
public class DemoApplication {

  /** The flag that keeps the application serving instead of running the workload. */
  public static final String SERVE = "--serve";

  @Bean
  ProductRepository productRepository(JdbcClient jdbc, DemoSettings settings) {
    return new ProductRepository(jdbc, settings.database().latency());
  }

  @Bean
  ApplicationRunner productTable(ProductRepository repository, DemoSettings settings) {
    return arguments -> repository.createIfMissing(settings.database().products());
  }

  @Bean
  ProductService productService(ProductRepository repository) {
    return new ProductService(repository);
  }

  @Bean
  DemoRun demoRun(ProductService service, ProductRepository repository, MeterRegistry registry,
      CacheManager cacheManager, DemoSettings settings) {
    return new DemoRun(service, repository, new CacheMeters(registry, ProductService.CACHE),
        cacheManager, settings);
  }

  /** Runs the workload and prints the report, or with {@code --serve} serves until stopped. */
  public static void main(String[] args) {
    if (serves(args)) {
      ConfigurableApplicationContext context = application(args).run(args);
      String port = context.getEnvironment().getProperty("local.server.port");
      System.out.printf("Serving on http://localhost:%s: GET /products/{id}, PUT"
          + " /products/{id}/price, /actuator/{health,metrics,prometheus,caches}."
          + " Ctrl-C stops (and flushes the cache).%n", port);
      return;
    }
    System.out.print(runWorkload(args).text());
  }

  /**
   * Starts the application, runs the workload, closes the application (flushing the cache and
   * saving its hot keys) and returns the report.
   */
  public static Report runWorkload(String... args) {
    try (ConfigurableApplicationContext context = application(args).run(args)) {
      return context.getBean(DemoRun.class).run();
    }
  }

  /** Returns the application, a web application with {@code --serve} and none without. */
  public static SpringApplication application(String... args) {
    SpringApplication application = new SpringApplication(DemoApplication.class);
    application.setWebApplicationType(serves(args)
        ? WebApplicationType.SERVLET : WebApplicationType.NONE);
    return application;
  }

  private static boolean serves(String... args) {
    return Arrays.asList(args).contains(SERVE);
  }
}
