package io.ultrachat.server.realtime;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.ultrachat.kernel.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The frame schemas of a served AsyncAPI document, compiled with the networknt validator
 * (JSON Schema 2020-12, formats asserted). Everything is read from the document itself: which
 * frames the client sends and receives comes from the operations' {@code action}, a frame's
 * {@code type} from its payload's {@code properties.type.const}, and the chat events from the
 * {@code oneOf} of the {@code event} frame's {@code event} property.
 */
final class FrameSchemas {
  /** Where the document is registered for the validator, so {@code $ref}s resolve inside it. */
  static final String BASE = "https://ultrachat.test/api/v1/asyncapi.json";

  private final JsonNode doc;
  private final JsonSchemaFactory factory;
  private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  /** Frame type → JSON pointer of its payload schema, by direction (client's point of view). */
  private final Map<String, String> clientFrames = new LinkedHashMap<>();
  private final Map<String, String> serverFrames = new LinkedHashMap<>();
  /** Chat event type → JSON pointer of its schema. */
  private final Map<String, String> events = new LinkedHashMap<>();
  /** Message name → JSON pointer of its payload schema. */
  private final Map<String, String> payloads = new LinkedHashMap<>();
  private final Map<String, JsonSchema> compiled = new LinkedHashMap<>();

  FrameSchemas(JsonNode doc) {
    this.doc = doc;
    String text;
    try {
      text = Json.mapper().writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    // The document's top-level AsyncAPI fields sit where a schema's keywords would: known, not validating.
    JsonMetaSchema.Builder meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012());
    doc.fieldNames().forEachRemaining(name -> meta.keyword(new NonValidationKeyword(name)));
    JsonMetaSchema metaSchema = meta.build();
    this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
        b -> b.metaSchema(metaSchema).schemaLoaders(l -> l.schemas(Map.of(BASE, text))));
    doc.path("components").path("messages").fields()
        .forEachRemaining(e -> payloads.put(e.getKey(), refOf(e.getValue().path("payload"), "/components/messages/" + e.getKey() + "/payload")));
    doc.path("operations").fields().forEachRemaining(op -> {
      String action = op.getValue().path("action").asText();
      Map<String, String> into = switch (action) {
        case "send" -> clientFrames;
        case "receive" -> serverFrames;
        default -> throw new AssertionError("operation " + op.getKey() + " has action '" + action + "'");
      };
      for (JsonNode m : op.getValue().path("messages")) {
        String payload = refOf(message(m).path("payload"), null);
        String type = typeConst(payload);
        String previous = into.put(type, payload);
        if (previous != null && !previous.equals(payload)) {
          throw new AssertionError("frame type '" + type + "' has two payload schemas: " + previous + ", " + payload);
        }
      }
    });
    String eventFrame = serverFrames.get("event");
    if (eventFrame != null) {
      for (JsonNode alt : at(eventFrame).path("properties").path("event").path("oneOf")) {
        String pointer = refOf(alt, null);
        events.put(typeConst(pointer), pointer);
      }
    }
  }

  JsonNode doc() {
    return doc;
  }

  Set<String> clientFrameTypes() {
    return new TreeSet<>(clientFrames.keySet());
  }

  Set<String> serverFrameTypes() {
    return new TreeSet<>(serverFrames.keySet());
  }

  Set<String> eventTypes() {
    return new TreeSet<>(events.keySet());
  }

  /** Message name (key in {@code components.messages}) → JSON pointer of its payload schema. */
  Map<String, String> payloads() {
    return payloads;
  }

  /** The node a local JSON pointer names in the document; fails if there is none. */
  JsonNode at(String pointer) {
    JsonNode n = doc.at(JsonPointer.compile(pointer));
    if (n.isMissingNode()) {
      throw new AssertionError("the document has nothing at " + pointer);
    }
    return n;
  }

  /** Compiles (once) the schema at a JSON pointer of the document, resolving every {@code $ref}. */
  JsonSchema schema(String pointer) {
    return compiled.computeIfAbsent(pointer, p -> {
      JsonSchema s = factory.getSchema(SchemaLocation.of(BASE + "#" + p), config);
      s.initializeValidators();
      return s;
    });
  }

  static List<String> messages(Set<ValidationMessage> result) {
    return result.stream().map(ValidationMessage::toString).sorted().toList();
  }

  /** Violations of a frame the client sends: chosen by {@code type}; an unknown type is a violation. */
  List<String> validateClientFrame(JsonNode frame) {
    return validate(frame, clientFrames, "client");
  }

  /**
   * Violations of a frame the server sends: chosen by {@code type}, and for {@code event} frames
   * also the event alone against the schema its {@code event.type} names.
   */
  List<String> validateServerFrame(JsonNode frame) {
    List<String> out = new ArrayList<>(validate(frame, serverFrames, "server"));
    if ("event".equals(frame.path("type").asText())) {
      String eventType = frame.path("event").path("type").asText();
      String pointer = events.get(eventType);
      if (pointer == null) {
        out.add("undocumented event type '" + eventType + "'");
      } else {
        out.addAll(messages(schema(pointer).validate(frame.path("event"))));
      }
    }
    return out;
  }

  private List<String> validate(JsonNode frame, Map<String, String> byType, String side) {
    String type = frame.path("type").asText();
    String pointer = byType.get(type);
    if (pointer == null) {
      return List.of("undocumented " + side + " frame type '" + type + "'");
    }
    return messages(schema(pointer).validate(frame));
  }

  /** Follows a message reference (possibly via the channel) to the message object. */
  private JsonNode message(JsonNode node) {
    JsonNode n = node;
    for (int hops = 0; n.has("$ref"); hops++) {
      if (hops > 5) {
        throw new AssertionError("reference loop at " + node);
      }
      n = at(local(n.path("$ref").asText()));
    }
    return n;
  }

  /** The pointer a schema stands at: its {@code $ref} target, or {@code inline} when it has none. */
  private String refOf(JsonNode schema, String inline) {
    if (schema.has("$ref")) {
      return local(schema.path("$ref").asText());
    }
    if (inline == null) {
      throw new AssertionError("expected a $ref to components.schemas but found " + schema);
    }
    return inline;
  }

  private String typeConst(String pointer) {
    JsonNode type = at(pointer).path("properties").path("type").path("const");
    if (!type.isTextual()) {
      throw new AssertionError("the schema at " + pointer + " does not fix its 'type' with a const");
    }
    return type.asText();
  }

  private static String local(String ref) {
    if (!ref.startsWith("#/")) {
      throw new AssertionError("only local references are expected, found " + ref);
    }
    return ref.substring(1);
  }
}
