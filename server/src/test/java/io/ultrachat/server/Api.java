package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A small HTTP client for tests, speaking the API as any client would. */
public final class Api {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public Api(String base) {
    this.base = base;
  }

  /** A response with its body parsed lazily as JSON. */
  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public String code() {
      return json().path("code").asText();
    }

    /** Asserts a problem response with the given status and code, and returns it. */
    public Response problem(int expectedStatus, String expectedCode) {
      assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
      assertThat(header("Content-Type")).contains("application/problem+json");
      assertThat(code()).as("problem code of %s", body).isEqualTo(expectedCode);
      assertThat(json().path("type").asText()).isEqualTo("https://ultrachat.io/problems/" + expectedCode);
      assertThat(json().path("requestId").asText()).isNotBlank();
      return this;
    }

    public Response ok(int expectedStatus) {
      assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
      return this;
    }
  }

  public Response get(String path, String token) {
    return send(request(path, token).GET());
  }

  public Response get(String path) {
    return get(path, null);
  }

  public Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  public Response post(String path, Object body, String token) {
    return send(request(path, token).header("Content-Type", "application/json").POST(publisher(body)));
  }

  public Response post(String path, Object body) {
    return post(path, body, null);
  }

  public Response patch(String path, Object body, String token) {
    return send(request(path, token).header("Content-Type", "application/json").method("PATCH", publisher(body)));
  }

  /** Sends exactly these bytes with this content type, for malformed-input tests. */
  public Response raw(String method, String path, String contentType, String body, String token) {
    HttpRequest.Builder b = request(path, token).method(method, HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  private static HttpRequest.BodyPublisher publisher(Object body) {
    if (body == null) {
      return HttpRequest.BodyPublishers.noBody();
    }
    try {
      return HttpRequest.BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes() : Json.mapper().writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Registers a person and returns the token response. */
  public JsonNode register(String username, String password) {
    return post("/api/v1/auth/register", Map.of("username", username, "password", password)).ok(201).json();
  }

  public JsonNode login(String username, String password) {
    return post("/api/v1/auth/login", Map.of("username", username, "password", password)).ok(200).json();
  }
}
