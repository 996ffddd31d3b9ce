package io.ultrachat.kernel.http;

import java.util.Map;

/**
 * What a handler returns. {@code body} is serialized as JSON, or streamed as it is if it is a
 * {@link BinaryContent}; a {@code null} body means no content.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {
  public ApiResponse {
    headers = Map.copyOf(headers);
  }

  public static ApiResponse ok(Object body) {
    return new ApiResponse(200, body, Map.of());
  }

  public static ApiResponse created(Object body) {
    return new ApiResponse(201, body, Map.of());
  }

  public static ApiResponse noContent() {
    return new ApiResponse(204, null, Map.of());
  }

  public ApiResponse withHeader(String name, String value) {
    java.util.Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ApiResponse(status, body, copy);
  }
}
