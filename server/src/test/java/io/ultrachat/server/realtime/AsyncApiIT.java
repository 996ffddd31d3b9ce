package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The served AsyncAPI document of the realtime protocol: well-formed, its schemas valid JSON
 * Schemas, and documenting exactly the frames and chat events docs/protocol.md lists.
 */
class AsyncApiIT {
  private static final Path PROTOCOL = Path.of("..", "docs", "protocol.md");
  private static final Set<String> CLIENT_FRAMES = Set.of("hello", "send", "typing", "presence", "ping");
  private static final Set<String> SERVER_FRAMES = Set.of("ready", "event", "resync", "ack", "error", "pong");
  private static final Set<String> EVENTS = Set.of("message.created", "message.edited", "message.deleted", "member.joined",
      "member.left", "conversation.changed", "read.updated", "typing", "reaction.added", "reaction.removed", "message.pinned",
      "message.unpinned", "thread.updated", "presence.changed");

  private static TestServer server;
  private static FrameSchemas schemas;

  @BeforeAll
  static void start() {
    server = TestServer.on(TestServer.Backend.SQLITE).start();
    Api.Response r = server.api().get("/api/v1/asyncapi.json").ok(200);
    assertThat(r.header("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    schemas = new FrameSchemas(r.json());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void isAnAsyncApi3DocumentOfTheRealtimeEndpoint() {
    JsonNode doc = schemas.doc();
    assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
    assertThat(doc.path("info").path("title").asText()).isEqualTo("UltraChat realtime API");
    assertThat(doc.path("info").path("version").asText()).isEqualTo("1.0.0");
    assertThat(doc.path("info").path("description").asText()).contains("docs/protocol.md");
    assertThat(doc.path("servers").size()).isPositive();
    doc.path("servers").forEach(s -> {
      assertThat(s.path("protocol").asText()).isEqualTo("ws");
      // The path lives in the channel address; the server names only host and protocol, so tools do not join it twice.
      assertThat(s.has("pathname")).isFalse();
      assertThat(s.path("host").asText()).isNotBlank();
    });
    assertThat(fieldNames(doc.path("channels"))).containsExactly("realtime");
    JsonNode channel = doc.path("channels").path("realtime");
    assertThat(channel.path("address").asText()).isEqualTo("/api/v1/realtime");
    // Every channel message is a component message with a payload, and every component message is on the channel.
    assertThat(fieldNames(channel.path("messages"))).isEqualTo(fieldNames(doc.path("components").path("messages")));
    channel.path("messages").fields().forEachRemaining(e ->
        assertThat(e.getValue().path("$ref").asText()).isEqualTo("#/components/messages/" + e.getKey()));
    doc.path("operations").fields().forEachRemaining(op -> {
      assertThat(op.getValue().path("action").asText()).as(op.getKey()).isIn("send", "receive");
      assertThat(op.getValue().path("channel").path("$ref").asText()).as(op.getKey()).isEqualTo("#/channels/realtime");
      List<JsonNode> refs = new ArrayList<>();
      op.getValue().path("messages").forEach(refs::add);
      op.getValue().path("reply").path("messages").forEach(refs::add);
      assertThat(refs).as(op.getKey()).isNotEmpty();
      refs.forEach(m -> assertThat(m.path("$ref").asText()).as(op.getKey()).startsWith("#/channels/realtime/messages/"));
    });
  }

  @Test
  void documentsTheCloseCodesOfTheProtocol() throws IOException {
    Map<Integer, String> fromDoc = new java.util.TreeMap<>();
    Matcher m = Pattern.compile("(?m)^\\| (\\d{4}) \\| ([^|]+?) \\|").matcher(Files.readString(PROTOCOL));
    while (m.find()) {
      fromDoc.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    assertThat(fromDoc).containsKeys(1000, 1001, 4000, 4001, 4002, 4008, 4009);
    Map<Integer, String> documented = new java.util.TreeMap<>();
    schemas.doc().path("servers").forEach(s -> s.path("x-close-codes").forEach(c ->
        documented.put(c.path("code").asInt(), c.path("meaning").asText())));
    assertThat(documented).isEqualTo(fromDoc);
    String channelDescription = schemas.doc().path("channels").path("realtime").path("description").asText();
    fromDoc.forEach((code, meaning) -> assertThat(channelDescription).contains("| " + code + " | " + meaning + " |"));
  }

  @Test
  void everySchemaIsAValidDraft202012Schema() {
    JsonSchema meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SchemaLocation.of(SchemaId.V202012));
    JsonNode components = schemas.doc().path("components").path("schemas");
    assertThat(components.size()).isPositive();
    components.fields().forEachRemaining(e ->
        assertThat(FrameSchemas.messages(meta.validate(e.getValue()))).as("schema %s against the 2020-12 meta-schema", e.getKey())
            .isEmpty());
  }

  @Test
  void everyMessagePayloadCompilesAndItsExamplesConform() {
    assertThat(schemas.payloads()).isNotEmpty();
    schemas.payloads().forEach((name, pointer) -> {
      assertThat(pointer).as("payload of %s", name).startsWith("/components/schemas/");
      JsonSchema schema = schemas.schema(pointer);
      JsonNode examples = schemas.at("/components/messages/" + name).path("examples");
      assertThat(examples.size()).as("examples of %s", name).isPositive();
      examples.forEach(ex -> {
        List<String> violations = FrameSchemas.messages(schema.validate(ex.path("payload")));
        assertThat(violations).as("example %s of %s", ex.path("name").asText(), name).isEmpty();
        assertThat(ex.path("payload").path("type").asText()).isEqualTo(name);
      });
    });
  }

  @Test
  void schemasRejectWhatTheProtocolForbids() {
    assertThat(schemas.validateServerFrame(json("{\"type\":\"ready\",\"protocol\":2,\"userId\":\"1\",\"conversations\":{}}")))
        .isNotEmpty();
    assertThat(schemas.validateServerFrame(json("{\"type\":\"ack\",\"messageId\":1,\"conversationId\":\"2\",\"seq\":1,\"replayed\":false}")))
        .isNotEmpty();
    assertThat(schemas.validateServerFrame(json("{\"type\":\"pong\"}"))).isNotEmpty();
    assertThat(schemas.validateServerFrame(json("{\"type\":\"event\",\"event\":{\"type\":\"typing\",\"conversationId\":\"1\"}}")))
        .isNotEmpty();
    assertThat(schemas.validateServerFrame(json("{\"type\":\"event\",\"event\":{\"type\":\"message.deleted\",\"conversationId\":\"1\","
        + "\"seq\":1,\"message\":{\"id\":\"3\",\"conversationId\":\"1\",\"seq\":1,\"userId\":\"2\",\"body\":\"still here\","
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"deletedAt\":\"2026-01-01T00:00:01Z\"}}}"))).isNotEmpty();
    assertThat(schemas.validateServerFrame(json("{\"type\":\"event\",\"event\":{\"type\":\"message.created\",\"conversationId\":\"1\","
        + "\"seq\":1,\"message\":{\"id\":\"3\",\"conversationId\":\"1\",\"seq\":1,\"userId\":\"2\",\"body\":\"hi\","
        + "\"createdAt\":\"yesterday\"}}}"))).isNotEmpty();
    assertThat(schemas.validateServerFrame(json("{\"type\":\"hello\",\"token\":\"t\"}"))).isNotEmpty();
    assertThat(schemas.validateClientFrame(json("{\"type\":\"send\",\"conversationId\":\"12345678901234567890\",\"body\":\"x\"}")))
        .isNotEmpty();
    assertThat(schemas.validateClientFrame(json("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"1\":-1}}"))).isNotEmpty();
    assertThat(schemas.validateClientFrame(json("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"general\":1}}"))).isNotEmpty();
    assertThat(schemas.validateClientFrame(json("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"1\":0}}"))).isEmpty();
  }

  @Test
  void documentsExactlyTheFramesAndEventsOfTheProtocol() throws IOException {
    assertThat(schemas.clientFrameTypes()).isEqualTo(new TreeSet<>(CLIENT_FRAMES));
    assertThat(schemas.serverFrameTypes()).isEqualTo(new TreeSet<>(SERVER_FRAMES));
    assertThat(schemas.eventTypes()).isEqualTo(new TreeSet<>(EVENTS));

    // And the same sets as docs/protocol.md's tables and its list of chat events.
    String protocol = Files.readString(PROTOCOL);
    assertThat(tableTypes(section(protocol, "## Client → server"))).isEqualTo(new TreeSet<>(CLIENT_FRAMES));
    assertThat(tableTypes(section(protocol, "## Server → client"))).isEqualTo(new TreeSet<>(SERVER_FRAMES));
    String eventsLine = protocol.lines().filter(l -> l.startsWith("Chat events (`event.type`)")).findFirst().orElseThrow();
    Set<String> named = new LinkedHashSet<>();
    Matcher m = Pattern.compile("`([a-z]+(?:\\.[a-z]+)?)`(?: \\(|,)").matcher(eventsLine);
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat(new TreeSet<>(named)).isEqualTo(new TreeSet<>(EVENTS));
  }

  private static String section(String doc, String heading) {
    int start = doc.indexOf(heading);
    assertThat(start).as("heading %s in docs/protocol.md", heading).isNotNegative();
    int end = doc.indexOf("\n## ", start + heading.length());
    return end < 0 ? doc.substring(start) : doc.substring(start, end);
  }

  private static Set<String> tableTypes(String section) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z]+)` \\|").matcher(section);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    out.sort(null);
    return out;
  }

  private static JsonNode json(String text) {
    try {
      return io.ultrachat.kernel.json.Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
