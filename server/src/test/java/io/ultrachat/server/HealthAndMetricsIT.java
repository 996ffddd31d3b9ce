package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Liveness, readiness and Prometheus metrics as an operator's scraper sees them. */
class HealthAndMetricsIT {
  @Test
  void healthEndpointsAnswer() {
    try (TestServer server = TestServer.on(TestServer.Backend.POSTGRESQL).start()) {
      assertThat(server.api().get("/health/live").ok(200).json().path("status").asText()).isEqualTo("up");
      var ready = server.api().get("/health/ready").ok(200).json();
      assertThat(ready.path("checks").path("database").asText()).isEqualTo("up");
    }
  }

  @Test
  void metricsUseRouteTemplatesAndReportThePool() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).start()) {
      Api api = server.api();
      String token = api.register("alice", "correct horse").path("accessToken").asText();
      api.get("/api/v1/users/123", token);
      api.get("/api/v1/users/456", token);
      String metrics = api.get("/metrics").ok(200).body();
      assertThat(metrics)
          .contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/v1/users/{userId}\",status=\"404\"")
          .doesNotContain("route=\"/api/v1/users/123\"")
          .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/auth/register\",status=\"201\"} 1")
          .contains("db_pool_connections{pool=\"auth\",state=\"available\"}")
          .contains("db_pool_connections{pool=\"auth\",state=\"total\"}")
          .contains("db_pool_connections{pool=\"auth\",state=\"waiting\"}")
          .contains("system_cpu_usage")
          .contains("jvm_memory_used_bytes")
          .contains("disk_free_bytes");
    }
  }
}
