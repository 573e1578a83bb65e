package dev.cairn.cache.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The name extraction the monitoring test relies on, so a name it misses cannot pass unseen. */
class PromQlMetricNamesTest {

  @Test
  void findsEveryMetricAndNoFunctionLabelOrKeyword() {
    String expression = "sum by (cache, tier) (rate(cache_tier_gets_total{cache=~\"$cache\","
        + "result=\"hit\"}[$__rate_interval])) / on (cache) group_left"
        + " sum by (cache) (rate(cache_gets_total[1h] offset 10m)) > 0.5"
        + " and histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket"
        + "[5m]))) unless cache_writebehind_pending > 1e3";

    assertThat(PromQlMetricNames.of(expression)).containsExactlyInAnyOrder(
        "cache_tier_gets_total", "cache_gets_total", "http_server_requests_seconds_bucket",
        "cache_writebehind_pending");
  }

  @Test
  void takesTheMetricOfAGrafanaLabelValuesQuery() {
    assertThat(PromQlMetricNames.ofGrafanaQuery("label_values(cache_gets_total, cache)"))
        .containsExactly("cache_gets_total");
  }
}
