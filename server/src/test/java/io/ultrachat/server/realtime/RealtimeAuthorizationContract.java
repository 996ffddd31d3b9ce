package io.ultrachat.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket half of the authorization table: for each kind of conversation and each kind
 * of caller, what the realtime operations do — the positions in {@code ready}, resume, live
 * events, {@code send} and {@code typing}. Callers as in the REST table
 * ({@code chat.AuthorizationMatrixContract}): a stranger to the workspace, a guest not in the
 * conversation, a guest in it, a workspace member not in it, a member in it, and a workspace
 * admin not in it.
 */
abstract class RealtimeAuthorizationContract {
  enum Who { OUTSIDER, GUEST, GUEST_IN, NON_MEMBER, MEMBER, ADMIN }

  enum Kind { PUBLIC, PRIVATE, DM }

  /** What each caller may do with a conversation over the WebSocket. */
  enum Access {
    /** Not visible: resume refused, sends and typing refused as not found, no events. */
    NONE,
    /** Visible but not joined (public channels): resume replays, live events not followed, sends and typing refused. */
    READ,
    /** A member: everything. */
    MEMBER
  }

  private static final Map<Kind, Map<Who, Access>> TABLE = Map.of(
      Kind.PUBLIC, access(Access.NONE, Access.NONE, Access.MEMBER, Access.READ, Access.MEMBER, Access.READ),
      Kind.PRIVATE, access(Access.NONE, Access.NONE, Access.MEMBER, Access.NONE, Access.MEMBER, Access.NONE),
      Kind.DM, access(Access.NONE, Access.NONE, Access.MEMBER, Access.NONE, Access.MEMBER, Access.NONE));

  private static Map<Who, Access> access(Access... inWhoOrder) {
    Map<Who, Access> m = new EnumMap<>(Who.class);
    for (Who w : Who.values()) {
      m.put(w, inWhoOrder[w.ordinal()]);
    }
    return m;
  }

  private final TestServer.Backend backend;
  private TestServer server;
  private Api api;
  private final Map<Who, String[]> people = new EnumMap<>(Who.class); // {id, token}
  private String ownerToken;
  private String workspace;
  private String bystander;
  private int n;

  RealtimeAuthorizationContract(TestServer.Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void start() {
    server = TestServer.on(backend).start();
    api = server.api();
    ownerToken = register("owner")[1];
    workspace = api.post("/api/v1/workspaces", Map.of("name", "Matrix"), ownerToken).ok(201).json().path("id").asText();
    bystander = register("bystander")[0];
    addToWorkspace(bystander, "member");
    people.put(Who.OUTSIDER, register("outsider"));
    for (Who who : List.of(Who.GUEST, Who.GUEST_IN, Who.NON_MEMBER, Who.MEMBER, Who.ADMIN)) {
      String[] u = register(who.name().toLowerCase().replace("_", ""));
      addToWorkspace(u[0], switch (who) {
        case GUEST, GUEST_IN -> "guest";
        case ADMIN -> "admin";
        default -> "member";
      });
      people.put(who, u);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String[] register(String username) {
    JsonNode t = api.register(username, username + " password");
    return new String[] {t.path("user").path("id").asText(), t.path("accessToken").asText()};
  }

  private void addToWorkspace(String userId, String role) {
    api.raw("PUT", "/api/v1/workspaces/" + workspace + "/members/" + userId, "application/json", "{\"role\":\"" + role + "\"}",
        ownerToken).ok(200);
  }

  private String target(Kind kind) {
    String member = people.get(Who.MEMBER)[0];
    String guestIn = people.get(Who.GUEST_IN)[0];
    if (kind == Kind.DM) {
      return api.post("/api/v1/workspaces/" + workspace + "/dms", Map.of("userIds", List.of(guestIn, bystander)),
          people.get(Who.MEMBER)[1]).ok(201).json().path("id").asText();
    }
    String id = api.post("/api/v1/workspaces/" + workspace + "/conversations",
        Map.of("kind", kind == Kind.PUBLIC ? "public" : "private", "name", "target-" + ++n), ownerToken).ok(201).json().path("id").asText();
    for (String u : List.of(member, guestIn, bystander)) {
      api.raw("PUT", "/api/v1/conversations/" + id + "/members/" + u, null, "", ownerToken).ok(200);
    }
    return id;
  }

  private long lastSeq(String conversationId) {
    return api.get("/api/v1/conversations/" + conversationId, people.get(Who.MEMBER)[1]).ok(200).json().path("lastSeq").asLong();
  }

  private static boolean isMessage(JsonNode f, String conversationId) {
    return "event".equals(f.path("type").asText()) && "message.created".equals(f.path("event").path("type").asText())
        && conversationId.equals(f.path("event").path("conversationId").asText());
  }

  private static boolean isTyping(JsonNode f, String conversationId) {
    return "event".equals(f.path("type").asText()) && "typing".equals(f.path("event").path("type").asText())
        && conversationId.equals(f.path("event").path("conversationId").asText());
  }

  @Test
  void everyCallerGetsExactlyWhatTheTableSays() throws Exception {
    List<String> mismatches = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      String c = target(kind);
      api.post("/api/v1/conversations/" + c + "/messages", Map.of("body", "before anyone connected"), people.get(Who.MEMBER)[1]).ok(201);
      Map<Who, WsClient> clients = new EnumMap<>(Who.class);
      try {
        for (Who who : Who.values()) {
          Access access = TABLE.get(kind).get(who);
          WsClient ws = WsClient.connect(server.baseUrl());
          clients.put(who, ws);
          ws.send(Map.of("type", "hello", "token", people.get(who)[1], "resume", Map.of(c, 0L)));
          JsonNode ready = ws.next("ready");
          String label = kind + " as " + who + ": ";
          if (ready.path("conversations").has(c) != (access == Access.MEMBER)) {
            mismatches.add(label + "ready lists the conversation: " + ready.path("conversations").has(c));
          }
          if (access == Access.NONE) {
            JsonNode err = ws.next("error");
            if (!"conversation-not-found".equals(err.path("code").asText())) {
              mismatches.add(label + "resume refused with " + err);
            }
          } else {
            JsonNode replayed = ws.next(f -> isMessage(f, c), Duration.ofSeconds(5));
            if (!"before anyone connected".equals(replayed.path("event").path("message").path("body").asText())) {
              mismatches.add(label + "resume replayed " + replayed);
            }
          }
        }

        // Live: a member posts and types; only members hear it.
        api.post("/api/v1/conversations/" + c + "/messages", Map.of("body", "live"), people.get(Who.MEMBER)[1]).ok(201);
        clients.get(Who.MEMBER).send(Map.of("type", "typing", "conversationId", c));
        Thread.sleep(500);
        for (Who who : Who.values()) {
          boolean member = TABLE.get(kind).get(who) == Access.MEMBER;
          List<JsonNode> got = clients.get(who).drain(Duration.ofMillis(who == Who.OUTSIDER ? 300 : 50));
          boolean live = got.stream().anyMatch(f -> isMessage(f, c) && "live".equals(f.path("event").path("message").path("body").asText()));
          boolean typing = got.stream().anyMatch(f -> isTyping(f, c));
          if (live != member) {
            mismatches.add(kind + " as " + who + ": received the live message: " + live);
          }
          // Typists hear their own typing too (their other devices need it); clients skip their own user id.
          if (typing != member) {
            mismatches.add(kind + " as " + who + ": received the typing event: " + typing);
          }
        }

        // Send and typing from each caller.
        for (Who who : Who.values()) {
          Access access = TABLE.get(kind).get(who);
          String label = kind + " as " + who + ": ";
          WsClient ws = clients.get(who);
          long before = lastSeq(c);
          ws.send(Map.of("type", "send", "ref", "s-" + who, "conversationId", c, "body", "from " + who));
          JsonNode answer = ws.next(f -> ("s-" + who).equals(f.path("ref").asText()), Duration.ofSeconds(5));
          String expected = switch (access) {
            case MEMBER -> "ack";
            case READ -> "error:not-a-member";
            case NONE -> "error:conversation-not-found";
          };
          String actual = answer.path("type").asText() + (answer.has("code") ? ":" + answer.path("code").asText() : "");
          if (!actual.equals(expected)) {
            mismatches.add(label + "send answered " + answer + ", expected " + expected);
          }
          if (access != Access.MEMBER && lastSeq(c) != before) {
            mismatches.add(label + "a refused send changed the conversation");
          }
          ws.send(Map.of("type", "typing", "ref", "t-" + who, "conversationId", c));
          ws.send(Map.of("type", "ping", "ref", "p-" + who));
          JsonNode next = ws.next(f -> ("t-" + who).equals(f.path("ref").asText()) || ("p-" + who).equals(f.path("ref").asText()),
              Duration.ofSeconds(5));
          String typingAnswer = next.path("type").asText() + (next.has("code") ? ":" + next.path("code").asText() : "");
          String typingExpected = access == Access.MEMBER ? "pong" : expected;
          if (!typingAnswer.equals(typingExpected)) {
            mismatches.add(label + "typing answered " + next + ", expected " + typingExpected);
          }
        }
        Thread.sleep(300);
        for (Who who : List.of(Who.MEMBER, Who.GUEST_IN)) {
          List<JsonNode> got = clients.get(who).drain(Duration.ofMillis(50));
          for (Who refused : Who.values()) {
            if (TABLE.get(kind).get(refused) != Access.MEMBER && got.stream().anyMatch(f -> isTyping(f, c)
                && people.get(refused)[0].equals(f.path("event").path("userId").asText()))) {
              mismatches.add(kind + ": " + who + " saw a typing event from " + refused);
            }
          }
        }
      } finally {
        clients.values().forEach(WsClient::close);
      }
    }
    assertThat(mismatches).isEmpty();
  }
}
