package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document parses, and it and the server agree on every public route. */
class OpenApiIT {
  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).start()) {
      Api.Response r = server.api().get("/api/v1/openapi.json").ok(200);
      assertThat(r.header("Content-Type")).contains("application/json");
      SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body());
      assertThat(parsed.getMessages()).as("parser messages").isEmpty();
      OpenAPI doc = parsed.getOpenAPI();
      assertThat(doc.getOpenapi()).startsWith("3.1");

      Set<String> documented = new TreeSet<>();
      doc.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
          .forEach((PathItem.HttpMethod m) -> documented.add(m.name() + " " + path)));
      // Internal routes (calls between services, docs/internal-api.md) are deliberately not part of the public API.
      Set<String> served = new TreeSet<>(server.server().routes().stream().filter(route -> !route.contains(" /internal/")).toList());
      assertThat(server.server().routes()).as("internal routes are served").anyMatch(route -> route.contains(" /internal/v1/"));
      assertThat(documented).as("documented routes").isEqualTo(served);
    }
  }
}
