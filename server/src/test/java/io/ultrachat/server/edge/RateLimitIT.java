package io.ultrachat.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Auth endpoints are limited per client; repeated failures for one account back off; users have an API budget. */
class RateLimitIT {
  @Test
  void authEndpointsAreLimitedPerClientWithRetryAfter() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).set("rate-limit.auth.requests", "5").start()) {
      Api api = server.api();
      for (int i = 0; i < 5; i++) {
        int status = api.post("/api/v1/auth/login", Map.of("username", "u" + i + "xx", "password", "whatever1")).status();
        assertThat(status).isEqualTo(401);
      }
      Api.Response limited = api.post("/api/v1/auth/login", Map.of("username", "someone", "password", "whatever1"))
          .problem(429, "rate-limited");
      assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 15L * 60);
      api.post("/api/v1/auth/register", Map.of("username", "newcomer", "password", "long enough")).problem(429, "rate-limited");
      // Other endpoints are not part of this budget.
      api.get("/health/live").ok(200);
      api.get("/.well-known/jwks.json").ok(200);
    }
  }

  @Test
  void theDefaultAuthLimitIsOneHundredPerFifteenMinutes() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).set("rate-limit.auth.requests", "100")
        .set("auth.login-backoff.free-failures", "100").start()) {
      Api api = server.api();
      for (int i = 0; i < 100; i++) {
        api.post("/api/v1/auth/refresh", Map.of("refreshToken", "ucr_nope")).problem(401, "invalid-refresh-token");
      }
      Api.Response r = api.post("/api/v1/auth/refresh", Map.of("refreshToken", "ucr_nope")).problem(429, "rate-limited");
      assertThat(r.json().path("detail").asText()).contains("100 per 15 min");
    }
  }

  @Test
  void repeatedFailedLoginsForOneAccountBackOffEvenWithTheRightPassword() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).set("auth.login-backoff.free-failures", "3").start()) {
      Api api = server.api();
      api.register("alice", "correct horse");
      for (int i = 0; i < 3; i++) {
        api.post("/api/v1/auth/login", Map.of("username", "alice", "password", "guess " + i)).problem(401, "invalid-credentials");
      }
      Api.Response r = api.post("/api/v1/auth/login", Map.of("username", "alice", "password", "correct horse")).problem(429, "login-throttled");
      assertThat(r.header("Retry-After")).isPresent();
      // Other accounts are unaffected.
      api.register("bob", "battery staple");
      api.login("bob", "battery staple");
    }
  }

  @Test
  void authenticatedUsersHaveAnApiBudget() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).set("rate-limit.user.requests", "10").start()) {
      Api api = server.api();
      String token = api.register("alice", "correct horse").path("accessToken").asText();
      for (int i = 0; i < 10; i++) {
        api.get("/api/v1/ping", token).ok(200);
      }
      api.get("/api/v1/ping", token).problem(429, "rate-limited");
      String bob = api.register("bob", "battery staple").path("accessToken").asText();
      api.get("/api/v1/ping", bob).ok(200);
    }
  }
}
