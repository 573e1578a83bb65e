package dev.cairn.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cairn caches in the actuator of a real web application on a random port, called over HTTP:
 * their meters (standard, per tier, write-behind, disk) in /actuator/metrics and
 * /actuator/prometheus, and the caches in /actuator/caches.
 */
class ActuatorMetricsTest {

  @TempDir
  static Path directory;

  private static ConfigurableApplicationContext context;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() {
    context = new SpringApplication(LibraryApplication.class).run(
        "--server.port=0",
        "--management.endpoints.web.exposure.include=metrics,prometheus,caches",
        "--cairn.cache.caches.books.disk.directory=" + directory.resolve("books"),
        "--cairn.cache.caches.books.disk.allowed-classes=dev.cairn.cache.spring.Book",
        "--cairn.cache.caches.titles.memory.maximum-entries=100");
    base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  void metricsEndpointShowsHitsMissesAndGetsPerTier() throws Exception {
    BookService service = context.getBean(BookService.class);
    service.find("m1");
    service.find("m1");
    service.find("m1");

    assertThat(measurement("cache.gets?tag=cache:books&tag=result:hit")).isGreaterThanOrEqualTo(2);
    assertThat(measurement("cache.gets?tag=cache:books&tag=result:miss")).isGreaterThanOrEqualTo(1);
    assertThat(measurement("cache.tier.gets?tag=cache:books&tag=tier:memory&tag=result:hit"))
        .isGreaterThanOrEqualTo(2);
    assertThat(measurement("cache.tier.gets?tag=cache:books&tag=tier:disk&tag=result:miss"))
        .isGreaterThanOrEqualTo(1);
    assertThat(measurement("cache.puts?tag=cache:books")).isGreaterThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(measurement("cache.flush.batches?tag=cache:books")).isGreaterThanOrEqualTo(1));
  }

  @Test
  void prometheusEndpointExportsCairnsMetersPerCache() throws Exception {
    BookService service = context.getBean(BookService.class);
    service.find("p1");
    service.find("p1");
    service.title("p1");

    String scrape = get("/actuator/prometheus").body();

    assertThat(scrape).containsPattern("cache_gets_total\\{[^}]*cache=\"books\"[^}]*result=\"hit\"")
        .containsPattern("cache_gets_total\\{[^}]*cache=\"titles\"")
        .containsPattern("cache_tier_gets_total\\{[^}]*cache=\"books\"[^}]*tier=\"disk\"")
        .containsPattern("cache_writebehind_pending\\{[^}]*cache=\"books\"")
        .containsPattern("cache_flush_batches_total\\{[^}]*cache=\"books\"")
        .containsPattern("cache_flush_failures_total\\{[^}]*cache=\"books\"")
        .containsPattern("cache_tier_bytes\\{[^}]*cache=\"books\"[^}]*tier=\"disk\"")
        .containsPattern("cache_warmup_done\\{[^}]*cache=\"books\"");
  }

  @Test
  void cachesEndpointListsTheCachesAndClearsOne() throws Exception {
    BookService service = context.getBean(BookService.class);
    Library library = context.getBean(Library.class);
    service.find("c1");

    JsonNode caches = json(get("/actuator/caches").body()).at("/cacheManagers/cacheManager/caches");
    assertThat(caches.propertyNames()).contains("books", "titles");

    HttpResponse<String> cleared = http.send(HttpRequest.newBuilder(URI.create(base
        + "/actuator/caches/books")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cleared.statusCode()).isEqualTo(204);

    service.find("c1");
    assertThat(library.loads("c1")).as("loads after the cache was cleared").isEqualTo(2);
  }

  private static double measurement(String metricAndTags) throws IOException, InterruptedException {
    HttpResponse<String> response = get("/actuator/metrics/" + metricAndTags);
    assertThat(response.statusCode()).as(metricAndTags + ": " + response.body()).isEqualTo(200);
    return json(response.body()).at("/measurements/0/value").asDouble();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String body) {
    return JsonMapper.builder().build().readTree(body);
  }
}
