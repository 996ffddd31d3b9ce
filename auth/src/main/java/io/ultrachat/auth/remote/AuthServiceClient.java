package io.ultrachat.auth.remote;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.ServiceCredentials;
import io.ultrachat.kernel.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to the Auth service's internal routes, signed with this node's service credential.
 *
 * <p>Design notes. Every call has a connect and a response timeout. A connect failure is retried
 * once (against the URL the supplier gives then, which may be another node): the request never
 * reached a server, so a retry cannot do anything twice. Every other failure, including a 5xx or
 * an answer this client cannot read, becomes {@link Unavailable}, which the edge answers with a
 * retryable 503, never a 500; details (the URL, the status) go to the log, not to the client.
 * A refusal of this node's own credential is a misconfiguration (a different
 * {@code cluster.service-secret}, a clock off by more than the tolerance) and is logged as an error.
 *
 * <p>Blocking: callers run on virtual threads. Thread-safe.
 */
public final class AuthServiceClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuthServiceClient.class);
  /** Lenient on input unlike the public API: a newer Auth service may add fields. */
  private static final ObjectMapper MAPPER = Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Supplier<URI> baseUrl;
  private final ServiceCredentials credentials;
  private final String caller;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param baseUrl where the Auth service is now (a static setting, or a registry lookup); asked
   *     on every call, so it may change
   * @param credentials the cluster's service credentials
   * @param caller this node's service name as it signs, e.g. {@code chat}
   * @param timeout connect timeout and, separately, response timeout of each call
   */
  public AuthServiceClient(Supplier<URI> baseUrl, ServiceCredentials credentials, String caller, Duration timeout) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.caller = Objects.requireNonNull(caller, "caller");
    this.timeout = timeout;
    credentials.authorization(caller, HttpMethod.GET, "/"); // fails now, not per call, on a bad service name
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * The fixed base URL of {@code services.auth-url}.
   *
   * @throws IllegalArgumentException naming the setting if it is empty or not an http(s) URL
   */
  public static Supplier<URI> configuredBaseUrl(Settings settings) {
    String raw = settings.get(RemoteAuthSettings.AUTH_URL).strip();
    String key = RemoteAuthSettings.AUTH_URL.key();
    if (raw.isEmpty()) {
      throw new IllegalArgumentException("invalid setting " + key + ": this process does not run the auth service, so it needs"
          + " the URL of one, e.g. http://auth.internal:8080");
    }
    URI uri;
    try {
      uri = URI.create(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid setting " + key + ": '" + raw + "' is not a URL");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("invalid setting " + key + ": expected http(s)://host[:port][/path] but was '" + raw + "'");
    }
    return () -> uri;
  }

  /** One path segment, percent-encoded (a username may hold '.', never '/', but say so anyway). */
  public static String segment(String raw) {
    return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * {@code GET target}.
   *
   * @param target path (with encoded segments) and query, e.g. {@code /internal/v1/users/42}
   * @return the answer, or empty if the Auth service says there is no such thing (404)
   * @throws Unavailable if the Auth service cannot be reached or answers anything else
   */
  public <T> Optional<T> get(String target, Class<T> type) {
    return call(HttpMethod.GET, target, Optional.empty(), type);
  }

  /**
   * {@code POST target} with a JSON body.
   *
   * @return the answer, or empty if the Auth service refuses the subject (404, or 401 about
   *     the presented token rather than this node's credential)
   * @throws Unavailable if the Auth service cannot be reached or answers anything else
   */
  public <T> Optional<T> post(String target, Object body, Class<T> type) {
    return call(HttpMethod.POST, target, Optional.of(body), type);
  }

  private <T> Optional<T> call(HttpMethod method, String target, Optional<Object> body, Class<T> type) {
    HttpResponse<String> response = send(method, target, body);
    int status = response.statusCode();
    if (status == 200) {
      try {
        return Optional.of(MAPPER.readValue(response.body(), type));
      } catch (IOException e) {
        LOG.warn("auth service answered {} {} with a body this node cannot read: {}", method, target, e.getMessage());
        throw unavailable(e);
      }
    }
    String code = problemCode(response.body());
    if (status == 401 && code.contains("service-credential")) {
      LOG.error("auth service refused this node's service credential ({}) on {} {}: check that cluster.service-secret is the same"
          + " on every node and that clocks are in sync", code, method, target);
      throw unavailable(null);
    }
    if (status == 404 || (status == 401 && method == HttpMethod.POST)) {
      return Optional.empty();
    }
    LOG.warn("auth service answered {} {} with {} {}", method, target, status, code);
    throw unavailable(null);
  }

  private HttpResponse<String> send(HttpMethod method, String target, Optional<Object> body) {
    for (int attempt = 1; ; attempt++) {
      URI uri = resolve(target);
      String signedTarget = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
          .header("Authorization", credentials.authorization(caller, method, signedTarget))
          .header("Accept", "application/json");
      if (body.isPresent()) {
        request.header("Content-Type", "application/json").method(method.name(), HttpRequest.BodyPublishers.ofByteArray(json(body.get())));
      } else {
        request.method(method.name(), HttpRequest.BodyPublishers.noBody());
      }
      try {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        if (attempt >= 2) {
          LOG.warn("auth service at {} unreachable for {} {} (after a retry): {}", uri.getAuthority(), method, target, e.toString());
          throw unavailable(e);
        }
        LOG.debug("auth service at {} refused a connection; retrying once", uri.getAuthority());
      } catch (IOException e) {
        LOG.warn("auth service call {} {} failed: {}", method, target, e.toString());
        throw unavailable(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unavailable(e);
      }
    }
  }

  private URI resolve(String target) {
    String base = baseUrl.get().toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + target);
  }

  private static byte[] json(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
    }
  }

  private static String problemCode(String body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      return node == null ? "" : node.path("code").asText("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static Unavailable unavailable(Throwable cause) {
    String detail = "the authentication service is unavailable; retry shortly";
    return cause == null ? new Unavailable(detail) : new Unavailable(detail, cause);
  }

  @Override
  public void close() {
    http.shutdownNow();
  }
}
