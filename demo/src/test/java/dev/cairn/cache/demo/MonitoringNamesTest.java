package dev.cairn.cache.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/monitoring reads only what Cairn really exports: the demo serves on a random port, takes a
 * few requests, and every metric name in the Grafana dashboard's queries and the Prometheus
 * rules' expressions must be in its real {@code /actuator/prometheus} scrape. The invalidation
 * bus's meters ({@code cache_bus_*}) are the exception: the demo is one JVM without Redis, so it
 * has no bus; {@code RedisInvalidationBusMetricsTest} in cache-redis binds them on a real bus.
 */
class MonitoringNamesTest {

  private static final Path MONITORING = Path.of("..", "docs", "monitoring");
  // Names of cache-redis's RedisInvalidationBusMetrics, which the demo does not run.
  private static final String BUS_PREFIX = "cache_bus_";

  @TempDir
  static Path data;

  private static ConfigurableApplicationContext context;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void serve() {
    String[] args = {DemoApplication.SERVE, "--server.port=0",
        "--demo.data-directory=" + data, "--demo.database.products=100",
        "--demo.database.latency=0ms"};
    context = DemoApplication.application(args).run(args);
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
  void everyMetricTheDashboardAndAlertRulesUseIsExported() throws Exception {
    for (long id = 1; id <= 5; id++) {
      assertThat(send(HttpRequest.newBuilder(uri("/products/" + id)).GET()).statusCode())
          .isEqualTo(200);
      assertThat(send(HttpRequest.newBuilder(uri("/products/" + id)).GET()).statusCode())
          .isEqualTo(200);
    }
    assertThat(send(HttpRequest.newBuilder(uri("/products/1/price"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("1234"))).statusCode()).isEqualTo(204);

    Set<String> exported = exportedNames(send(HttpRequest.newBuilder(uri("/actuator/prometheus"))
        .GET()).body());
    Set<String> dashboard = dashboardNames(MONITORING.resolve("cairn-dashboard.json"));
    Set<String> rules = ruleNames(MONITORING.resolve("cairn-alerts.yml"));

    assertThat(dashboard).as("metric names in the dashboard").isNotEmpty();
    assertThat(rules).as("metric names in the alert rules").isNotEmpty();
    assertThat(exported).as("names in /actuator/prometheus").containsAll(withoutBus(dashboard))
        .containsAll(withoutBus(rules));
  }

  @Test
  void productsCacheIsListedByTheCachesEndpoint() throws Exception {
    String caches = send(HttpRequest.newBuilder(uri("/actuator/caches")).GET()).body();

    assertThat(JsonMapper.builder().build().readTree(caches)
        .at("/cacheManagers/cacheManager/caches").propertyNames()).contains(ProductService.CACHE);
  }

  private static Set<String> withoutBus(Set<String> names) {
    Set<String> left = new TreeSet<>(names);
    left.removeIf(name -> name.startsWith(BUS_PREFIX));
    return left;
  }

  private static Set<String> exportedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  private static Set<String> dashboardNames(Path file) throws IOException {
    JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(file));
    Set<String> names = new TreeSet<>();
    for (JsonNode expression : dashboard.findValues("expr")) {
      names.addAll(PromQlMetricNames.of(expression.asString()));
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if ("query".equals(variable.path("type").asString())) {
        JsonNode query = variable.path("query");
        names.addAll(PromQlMetricNames.ofGrafanaQuery(
            query.isObject() ? query.path("query").asString() : query.asString()));
      }
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  private static Set<String> ruleNames(Path file) throws IOException {
    Map<String, Object> rules;
    try (Reader reader = Files.newBufferedReader(file)) {
      rules = new Yaml().load(reader);
    }
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        names.addAll(PromQlMetricNames.of((String) rule.get("expr")));
      }
    }
    return names;
  }

  private static URI uri(String path) {
    return URI.create(base + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
