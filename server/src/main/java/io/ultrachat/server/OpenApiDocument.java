package io.ultrachat.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The published OpenAPI document, kept as YAML in the source and served as JSON. */
final class OpenApiDocument {
  static final String PATH = "/api/v1/openapi.json";

  private OpenApiDocument() {}

  static Endpoint endpoint() {
    JsonNode doc = load();
    return Endpoint.of(HttpMethod.GET, PATH, Access.open(),
        r -> ApiResponse.ok(doc).withHeader("Cache-Control", "public, max-age=60"));
  }

  static JsonNode load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the build");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
