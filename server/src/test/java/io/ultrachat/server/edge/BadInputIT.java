package io.ultrachat.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input gets a precise 4xx problem, never a 500, and stores nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private TestServer server;
  private Api api;
  private String token;

  @BeforeAll
  void start() {
    server = TestServer.on(TestServer.Backend.SQLITE).set("http.max-body-size", "4KiB").set("auth.login-backoff.free-failures", "100").start();
    api = server.api();
    token = api.register("alice", "correct horse").path("accessToken").asText();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "truncated JSON          | {\"username\":\"mallory\",                                | malformed-json",
      "not JSON at all         | mallory                                                  | malformed-json",
      "trailing garbage        | {\"username\":\"mallory\",\"password\":\"long enough\"} x | malformed-json",
      "array instead of object | []                                                       | invalid-input",
      "number for a string     | {\"username\":\"mallory\",\"password\":12345678}         | invalid-input",
      "object for a string     | {\"username\":{},\"password\":\"long enough\"}           | invalid-input",
      "unknown field           | {\"username\":\"mallory\",\"password\":\"long enough\",\"role\":\"admin\"} | invalid-input",
      "missing password        | {\"username\":\"mallory\"}                               | invalid-input",
      "null username           | {\"username\":null,\"password\":\"long enough\"}         | invalid-input",
      "too short username      | {\"username\":\"ma\",\"password\":\"long enough\"}       | invalid-input",
      "username with spaces    | {\"username\":\"mal lory\",\"password\":\"long enough\"} | invalid-input",
      "username with unicode   | {\"username\":\"mälloryʼ\",\"password\":\"long enough\"} | invalid-input",
      "short password          | {\"username\":\"mallory\",\"password\":\"short\"}        | invalid-input",
      "password is username    | {\"username\":\"mallory\",\"password\":\"MALLORY\"}      | invalid-input",
      "control char in name    | {\"username\":\"mallory\",\"password\":\"long enough\",\"displayName\":\"a\\u0000b\"} | invalid-input",
  })
  void badRegistrationsAreRefusedPreciselyAndStoreNothing(String name, String body, String code) {
    Api.Response r = api.raw("POST", "/api/v1/auth/register", "application/json", body, null).problem(400, code);
    assertThat(r.json().path("detail").asText()).isNotBlank();
    api.post("/api/v1/auth/login", Map.of("username", "mallory", "password", "long enough")).problem(401, "invalid-credentials");
  }

  @Test
  void fieldErrorsNameTheField() {
    Api.Response r = api.raw("POST", "/api/v1/auth/register", "application/json", "{\"username\":\"mallory\",\"password\":1}", null)
        .problem(400, "invalid-input");
    assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("password");
    assertThat(r.json().path("errors").get(0).path("message").asText()).isEqualTo("must be a string");
  }

  @Test
  void overlongStringsAreRefused() {
    api.post("/api/v1/auth/register", Map.of("username", "m".repeat(33), "password", "long enough")).problem(400, "invalid-input");
    api.post("/api/v1/auth/register", Map.of("username", "mallory", "password", "p".repeat(257))).problem(400, "invalid-input");
    api.post("/api/v1/auth/register", Map.of("username", "mallory", "password", "long enough", "displayName", "d".repeat(65)))
        .problem(400, "invalid-input");
    api.patch("/api/v1/users/me", Map.of("displayName", "d".repeat(65)), token).problem(400, "invalid-input");
    assertThat(api.get("/api/v1/users/me", token).json().path("displayName").asText()).isEqualTo("alice");
  }

  @Test
  void oversizedBodiesGet413() {
    api.raw("POST", "/api/v1/auth/register", "application/json",
        "{\"username\":\"mallory\",\"password\":\"" + "x".repeat(5000) + "\"}", null).problem(413, "payload-too-large");
  }

  @Test
  void wrongContentTypeGets415() {
    api.raw("POST", "/api/v1/auth/login", "text/plain", "{\"username\":\"alice\",\"password\":\"correct horse\"}", null)
        .problem(415, "unsupported-media-type");
    api.raw("POST", "/api/v1/auth/login", "application/x-www-form-urlencoded", "username=alice&password=correct+horse", null)
        .problem(415, "unsupported-media-type");
    api.raw("POST", "/api/v1/auth/login", "application/json; charset=utf-8", "{\"username\":\"alice\",\"password\":\"correct horse\"}", null)
        .ok(200);
  }

  @Test
  void missingBodyIsNamed() {
    api.raw("POST", "/api/v1/auth/login", "application/json", "", null).problem(400, "missing-body");
  }

  @Test
  void unknownRoutesAndMethodsGetProblems() {
    api.get("/api/v1/nothing-here").problem(404, "no-route");
    api.raw("DELETE", "/api/v1/auth/login", null, "", null).problem(405, "method-not-allowed");
  }

  @Test
  void guessedIdsGet404() {
    api.get("/api/v1/users/99999999999999999999999", token).problem(404, "not-found");
    api.get("/api/v1/users/-1", token).problem(404, "not-found");
    api.raw("DELETE", "/api/v1/auth/sessions/abc", null, "", token).problem(404, "not-found");
  }

  @Test
  void everyResponseCarriesARequestIdAndHonoursASaneIncomingOne() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var res = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/health/live"))
        .header("X-Request-Id", "trace-123").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(res.headers().firstValue("X-Request-Id")).contains("trace-123");
    var evil = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/health/live"))
        .header("X-Request-Id", "bad id with spaces").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(evil.headers().firstValue("X-Request-Id")).get().asString().doesNotContain(" ").isNotBlank();
  }
}
