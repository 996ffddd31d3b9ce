package io.ultrachat.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the alert rules in deploy/monitoring query is one a
 * real server exports: the names are taken from a /metrics scrape of a started server.
 */
class DeployMetricsIT {
  /** Series Prometheus records itself for each scrape target. */
  private static final Set<String> RECORDED_BY_PROMETHEUS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

  @Test
  void dashboardAndAlertsQueryOnlyExportedMetrics() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).start()) {
      Api api = server.api();
      String token = api.register("operator", "correct horse").path("accessToken").asText();
      api.get("/api/v1/workspaces", token);
      api.get("/health/ready");
      // GC timers appear at the first collection the JVM reports.
      System.gc();
      Set<String> wanted = new TreeSet<>();
      DeployFiles.dashboardExpressions().forEach(e -> wanted.addAll(DeployFiles.metricNames(e)));
      DeployFiles.ruleExpressions().forEach(e -> wanted.addAll(DeployFiles.metricNames(e)));
      wanted.removeAll(RECORDED_BY_PROMETHEUS);
      assertThat(wanted).contains("http_server_requests_seconds_bucket", "cache_gets_total", "db_pool_connections");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(exportedNames(api.get("/metrics").ok(200).body())).as("names in /metrics").containsAll(wanted));
    }
  }

  /** Sample names of a Prometheus text exposition (histogram and summary series included). */
  static Set<String> exportedNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }
}
