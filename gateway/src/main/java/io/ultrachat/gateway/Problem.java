package io.ultrachat.gateway;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.ultrachat.kernel.error.InvalidInput;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 9457 problem body. {@code type} is {@link #TYPE_BASE} plus {@code code}; clients
 * branch on {@code code} (or {@code type}), people read {@code detail}.
 */
public record Problem(
    String type, String title, int status, String detail, String code, String requestId,
    Optional<List<InvalidInput.FieldError>> errors, @JsonIgnore Optional<Long> retryAfterSeconds) {

  public static final String TYPE_BASE = "https://ultrachat.io/problems/";

  public static Problem of(int status, String code, String detail) {
    return new Problem(TYPE_BASE + code, title(status), status, detail, code, "", Optional.empty(), Optional.empty());
  }

  public Problem withRequestId(String id) {
    return new Problem(type, title, status, detail, code, id, errors, retryAfterSeconds);
  }

  public Problem withErrors(List<InvalidInput.FieldError> list) {
    return new Problem(type, title, status, detail, code, requestId, list.isEmpty() ? Optional.empty() : Optional.of(list), retryAfterSeconds);
  }

  public Problem withRetryAfter(long seconds) {
    return new Problem(type, title, status, detail, code, requestId, errors, Optional.of(seconds));
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
