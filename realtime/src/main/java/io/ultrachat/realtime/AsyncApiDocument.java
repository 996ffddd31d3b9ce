package io.ultrachat.realtime;

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

/**
 * The published AsyncAPI document of the realtime protocol (docs/protocol.md), kept as YAML in
 * the source and served as JSON, with a JSON Schema for every frame.
 */
public final class AsyncApiDocument {
  public static final String PATH = "/api/v1/asyncapi.json";

  private AsyncApiDocument() {}

  public static Endpoint endpoint() {
    JsonNode doc = load();
    return Endpoint.of(HttpMethod.GET, PATH, Access.open(),
        r -> ApiResponse.ok(doc).withHeader("Cache-Control", "public, max-age=60"));
  }

  public static JsonNode load() {
    try (InputStream in = AsyncApiDocument.class.getResourceAsStream("asyncapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("asyncapi.yaml is missing from the build");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
