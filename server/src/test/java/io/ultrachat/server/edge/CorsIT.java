package io.ultrachat.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Browsers on configured origins may call the API; others get no CORS grant. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsIT {
  private final HttpClient client = HttpClient.newHttpClient();
  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.on(TestServer.Backend.SQLITE).set("http.cors-allowed-origins", "https://chat.example.com").start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, String origin, boolean preflight) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Origin", origin)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (preflight) {
      b.header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization, content-type");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void preflightFromAnAllowedOriginIsGranted() throws Exception {
    HttpResponse<String> r = send("OPTIONS", "/api/v1/auth/login", "https://chat.example.com", true);
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("https://chat.example.com");
    assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).get().asString().contains("POST");
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).get().asString().contains("Authorization");
  }

  @Test
  void preflightFromAnotherOriginIsRefused() throws Exception {
    HttpResponse<String> r = send("OPTIONS", "/api/v1/auth/login", "https://evil.example", true);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void simpleRequestsCarryTheGrantOnlyForAllowedOrigins() throws Exception {
    assertThat(send("GET", "/.well-known/jwks.json", "https://chat.example.com", false).headers()
        .firstValue("Access-Control-Allow-Origin")).contains("https://chat.example.com");
    assertThat(send("GET", "/.well-known/jwks.json", "https://evil.example", false).headers()
        .firstValue("Access-Control-Allow-Origin")).isEmpty();
  }
}
