package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, as one table: every workspace- and conversation-scoped endpoint, called by
 * every kind of caller, against public channels, private channels and direct conversations.
 *
 * <p>The rule the table spells out: a caller who may not see a workspace or conversation gets
 * 404 (guessing ids yields nothing), one who may see it but not act gets 403, and anything
 * refused changes nothing (checked after each refusal by reading the conversation back as its
 * member). A second test keeps the table complete: every such route in the published OpenAPI
 * document must have a row here.
 */
abstract class AuthorizationMatrixContract extends ChatApiTestBase {

  /**
   * The callers. Workspace roles are guest, member and admin; conversation membership is
   * separate: {@code NON_MEMBER} and {@code ADMIN} are in the workspace but not in the target
   * conversation, {@code GUEST} is a guest not in it, {@code GUEST_IN} a guest added to it.
   */
  enum Who { OUTSIDER, GUEST, GUEST_IN, NON_MEMBER, MEMBER, ADMIN }

  enum Kind { PUBLIC, PRIVATE, DM }

  /** What a case is aimed at: a fresh conversation with a message by MEMBER and a pinned one. */
  record Target(Kind kind, String conversationId, String messageId, String pinnedId, String attachmentId) {}

  /** One row: a request made as someone against a target, with the expected status per kind and caller. */
  record Row(String method, String route, BiFunction<Target, User, Api.Response> call, Map<Kind, int[]> expected) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<Who, User> people = new EnumMap<>(Who.class);
  private final AtomicInteger names = new AtomicInteger();
  private User owner;
  private User bystander;
  /** A workspace member in no target conversation, whom callers try to add. */
  private User addee;
  private String workspace;

  AuthorizationMatrixContract(TestServer.Backend backend) {
    super(backend);
  }

  /** Expected statuses in {@link Who} order, one array per kind (DM last). */
  private static Map<Kind, int[]> expect(int[] pub, int[] priv, int[] dm) {
    Map<Kind, int[]> m = new EnumMap<>(Kind.class);
    m.put(Kind.PUBLIC, pub);
    m.put(Kind.PRIVATE, priv);
    m.put(Kind.DM, dm);
    return m;
  }

  private static int[] s(int... statuses) {
    assertThat(statuses).hasSize(Who.values().length);
    return statuses;
  }

  private void row(String method, String route, BiFunction<Target, User, Api.Response> call, int[] pub, int[] priv, int[] dm) {
    rows.add(new Row(method, route, call, expect(pub, priv, dm)));
  }

  private void conversationRows() {
    String c = "/api/v1/conversations/{conversationId}";
    //                                      OUT  GUEST GST_IN NON  MEMBER ADMIN
    int[] readPub = s(404, 404, 200, 200, 200, 200);
    int[] readPriv = s(404, 404, 200, 404, 200, 404);
    int[] readDm = s(404, 404, 200, 404, 200, 404);
    row("GET", c, (t, u) -> api.get(conv(t.conversationId), u.token), readPub, readPriv, readDm);
    row("PATCH", c + "#topic", (t, u) -> api.patch(conv(t.conversationId), Map.of("topic", "new topic"), u.token),
        s(404, 404, 200, 403, 200, 200), s(404, 404, 200, 404, 200, 404), s(404, 404, 200, 404, 200, 404));
    row("PATCH", c + "#name", (t, u) -> api.patch(conv(t.conversationId), Map.of("name", "renamed-" + names.incrementAndGet()), u.token),
        s(404, 404, 403, 403, 403, 200), s(404, 404, 403, 404, 403, 404), s(404, 404, 400, 404, 400, 404));
    row("PUT", c + "/members/{userId}#self", (t, u) -> put(conv(t.conversationId) + "/members/" + u.id, null, u.token),
        s(404, 404, 200, 200, 200, 200), s(404, 404, 200, 404, 200, 404), s(404, 404, 409, 404, 409, 404));
    row("PUT", c + "/members/{userId}#other", (t, u) -> put(conv(t.conversationId) + "/members/" + addee.id, null, u.token),
        s(404, 404, 403, 403, 200, 403), s(404, 404, 403, 404, 200, 404), s(404, 404, 409, 404, 409, 404));
    row("DELETE", c + "/members/{userId}#other", (t, u) -> api.delete(conv(t.conversationId) + "/members/" + bystander.id, u.token),
        s(404, 404, 403, 403, 403, 204), s(404, 404, 403, 404, 403, 404), s(404, 404, 409, 404, 409, 404));
    row("DELETE", c + "/members/{userId}#self", (t, u) -> api.delete(conv(t.conversationId) + "/members/" + u.id, u.token),
        s(404, 404, 204, 404, 204, 404), s(404, 404, 204, 404, 204, 404), s(404, 404, 409, 404, 409, 404));
    row("GET", c + "/messages", (t, u) -> api.get(conv(t.conversationId) + "/messages", u.token), readPub, readPriv, readDm);
    row("POST", c + "/messages", (t, u) -> api.post(conv(t.conversationId) + "/messages", Map.of("body", "hi from " + u.username), u.token),
        s(404, 404, 201, 403, 201, 403), s(404, 404, 201, 404, 201, 404), s(404, 404, 201, 404, 201, 404));
    String m = c + "/messages/{messageId}";
    row("GET", m, (t, u) -> api.get(message(t, t.messageId), u.token), readPub, readPriv, readDm);
    row("PATCH", m, (t, u) -> api.patch(message(t, t.messageId), Map.of("body", "edited by " + u.username), u.token),
        s(404, 404, 403, 403, 200, 403), s(404, 404, 403, 404, 200, 404), s(404, 404, 403, 404, 200, 404));
    row("DELETE", m, (t, u) -> api.delete(message(t, t.messageId), u.token),
        s(404, 404, 403, 403, 204, 204), s(404, 404, 403, 404, 204, 404), s(404, 404, 403, 404, 204, 404));
    row("GET", m + "/thread", (t, u) -> api.get(message(t, t.messageId) + "/thread", u.token), readPub, readPriv, readDm);
    int[] actPub = s(404, 404, 200, 403, 200, 403);
    int[] actPriv = s(404, 404, 200, 404, 200, 404);
    row("PUT", m + "/reactions/{emoji}", (t, u) -> put(message(t, t.messageId) + "/reactions/%F0%9F%91%8D", null, u.token),
        actPub, actPriv, actPriv);
    row("DELETE", m + "/reactions/{emoji}", (t, u) -> {
      put(message(t, t.messageId) + "/reactions/%F0%9F%8E%89", null, u.token);
      return api.delete(message(t, t.messageId) + "/reactions/%F0%9F%8E%89", u.token);
    }, s(404, 404, 204, 403, 204, 403), s(404, 404, 204, 404, 204, 404), s(404, 404, 204, 404, 204, 404));
    row("GET", c + "/pins", (t, u) -> api.get(conv(t.conversationId) + "/pins", u.token), readPub, readPriv, readDm);
    row("PUT", c + "/pins/{messageId}", (t, u) -> put(conv(t.conversationId) + "/pins/" + t.messageId, null, u.token),
        actPub, actPriv, actPriv);
    row("DELETE", c + "/pins/{messageId}", (t, u) -> api.delete(conv(t.conversationId) + "/pins/" + t.pinnedId, u.token),
        s(404, 404, 204, 403, 204, 403), s(404, 404, 204, 404, 204, 404), s(404, 404, 204, 404, 204, 404));
    row("POST", c + "/read", (t, u) -> api.post(conv(t.conversationId) + "/read", Map.of("seq", 1), u.token),
        s(404, 404, 204, 403, 204, 403), s(404, 404, 204, 404, 204, 404), s(404, 404, 204, 404, 204, 404));
    row("POST", c + "/attachments", (t, u) -> api.raw("POST", conv(t.conversationId) + "/attachments?filename=notes.txt", "text/plain",
        "notes from " + u.username, u.token), s(404, 404, 201, 403, 201, 403), s(404, 404, 201, 404, 201, 404), s(404, 404, 201, 404, 201, 404));
    row("GET", "/api/v1/attachments/{attachmentId}", (t, u) -> api.get("/api/v1/attachments/" + t.attachmentId, u.token),
        readPub, readPriv, readDm);
    String pref = "/api/v1/users/me/preferences/conversations/{conversationId}";
    row("PUT", pref, (t, u) -> put(prefs(t), Map.of("notifications", "mentions", "muted", false), u.token), readPub, readPriv, readDm);
    row("DELETE", pref, (t, u) -> {
      put(prefs(t), Map.of("notifications", "all", "muted", true), u.token);
      return api.delete(prefs(t), u.token);
    }, s(404, 404, 204, 204, 204, 204), s(404, 404, 204, 404, 204, 404), s(404, 404, 204, 404, 204, 404));
  }

  private static String message(Target t, String messageId) {
    return conv(t.conversationId) + "/messages/" + messageId;
  }

  private static String prefs(Target t) {
    return "/api/v1/users/me/preferences/conversations/" + t.conversationId;
  }

  /** Workspace-scoped rows: the target kind does not matter, so every kind expects the same. */
  private void workspaceRows() {
    String w = "/api/v1/workspaces/{workspaceId}";
    //                 OUT  GUEST GST_IN NON  MEMBER ADMIN
    int[] read = s(404, 200, 200, 200, 200, 200);
    wsRow("GET", w, (t, u) -> api.get(ws(workspace), u.token), read);
    wsRow("PATCH", w, (t, u) -> api.patch(ws(workspace), Map.of("retentionDays", 3650), u.token), s(404, 403, 403, 403, 403, 200));
    wsRow("GET", w + "/search", (t, u) -> api.get(ws(workspace) + "/search?q=target", u.token), read);
    wsRow("GET", w + "/members", (t, u) -> api.get(ws(workspace) + "/members", u.token), read);
    wsRow("GET", w + "/presence", (t, u) -> api.get(ws(workspace) + "/presence", u.token), read);
    wsRow("PUT", w + "/members/{userId}", (t, u) -> put(ws(workspace) + "/members/" + user("joiner" + names.incrementAndGet()).id,
        Map.of("role", "member"), u.token), s(404, 403, 403, 403, 403, 200));
    wsRow("DELETE", w + "/members/{userId}", (t, u) -> {
      User victim = user("victim" + names.incrementAndGet());
      addToWorkspace(owner, workspace, victim, "member");
      return api.delete(ws(workspace) + "/members/" + victim.id, u.token);
    }, s(404, 403, 403, 403, 403, 204));
    wsRow("GET", w + "/conversations", (t, u) -> api.get(ws(workspace) + "/conversations", u.token), read);
    wsRow("POST", w + "/conversations", (t, u) -> api.post(ws(workspace) + "/conversations",
        Map.of("kind", "public", "name", "made-" + names.incrementAndGet()), u.token), s(404, 403, 403, 201, 201, 201));
    wsRow("POST", w + "/dms", (t, u) -> api.post(ws(workspace) + "/dms", Map.of("userIds", List.of(owner.id)), u.token),
        s(404, 201, 201, 201, 201, 201));
    wsRow("GET", w + "/invites", (t, u) -> api.get(ws(workspace) + "/invites", u.token), s(404, 403, 403, 403, 403, 200));
    wsRow("POST", w + "/invites", (t, u) -> api.post(ws(workspace) + "/invites", Map.of(), u.token), s(404, 403, 403, 403, 403, 201));
    wsRow("DELETE", w + "/invites/{inviteId}", (t, u) -> {
      String invite = api.post(ws(workspace) + "/invites", Map.of(), owner.token).ok(201).json().path("id").asText();
      return api.delete(ws(workspace) + "/invites/" + invite, u.token);
    }, s(404, 403, 403, 403, 403, 204));
  }

  private void wsRow(String method, String route, BiFunction<Target, User, Api.Response> call, int[] statuses) {
    row(method, route, call, statuses, statuses, statuses);
  }

  /**
   * Routes not in the table, each with the reason: they are scoped to the caller or to a
   * secret they hold, not to a workspace or conversation someone else owns.
   */
  private static final Map<String, String> NOT_SCOPED = Map.of(
      "GET /api/v1/workspaces", "lists the caller's own workspaces",
      "POST /api/v1/workspaces", "creates a workspace the caller owns",
      "POST /api/v1/invites/accept", "authorised by the invite token itself (DmAndInviteApiContract)");

  private void setUp() {
    owner = user("owner");
    workspace = workspace(owner, "matrix");
    bystander = user("bystander");
    addToWorkspace(owner, workspace, bystander, "member");
    addee = user("addee");
    addToWorkspace(owner, workspace, addee, "member");
    people.put(Who.OUTSIDER, user("outsider"));
    for (Who who : List.of(Who.GUEST, Who.GUEST_IN, Who.NON_MEMBER, Who.MEMBER, Who.ADMIN)) {
      User u = user(who.name().toLowerCase().replace("_", ""));
      String role = switch (who) {
        case GUEST, GUEST_IN -> "guest";
        case ADMIN -> "admin";
        default -> "member";
      };
      addToWorkspace(owner, workspace, u, role);
      people.put(who, u);
    }
    conversationRows();
    workspaceRows();
  }

  /** A fresh conversation of a kind with MEMBER, GUEST_IN and the bystander in it, a message by MEMBER and a pinned one. */
  private Target target(Kind kind) {
    User member = people.get(Who.MEMBER);
    User guestIn = people.get(Who.GUEST_IN);
    String id;
    if (kind == Kind.DM) {
      // A fourth, fresh participant makes each group DM new (they are found-or-created by member set).
      User fourth = user("dm" + names.incrementAndGet());
      addToWorkspace(owner, workspace, fourth, "member");
      id = api.post(ws(workspace) + "/dms", Map.of("userIds", List.of(guestIn.id, bystander.id, fourth.id)), member.token)
          .ok(201).json().path("id").asText();
    } else {
      id = api.post(ws(workspace) + "/conversations",
          Map.of("kind", kind == Kind.PUBLIC ? "public" : "private", "name", "target-" + names.incrementAndGet()), owner.token)
          .ok(201).json().path("id").asText();
      for (User u : List.of(member, guestIn, bystander)) {
        put(conv(id) + "/members/" + u.id, null, owner.token).ok(200);
      }
      api.delete(conv(id) + "/members/" + owner.id, owner.token).ok(204);
    }
    String messageId = send(member, id, "target message", null).ok(201).json().path("id").asText();
    String pinnedId = send(member, id, "pinned message", null).ok(201).json().path("id").asText();
    put(conv(id) + "/pins/" + pinnedId, null, member.token).ok(200);
    String attachmentId = api.raw("POST", conv(id) + "/attachments?filename=plan.txt", "text/plain", "the plan", member.token)
        .ok(201).json().path("id").asText();
    api.post(conv(id) + "/messages", Map.of("body", "see attached", "attachmentIds", List.of(attachmentId)), member.token).ok(201);
    return new Target(kind, id, messageId, pinnedId, attachmentId);
  }

  /** What a member sees of a target, to show a refused call changed nothing. */
  private String snapshot(Target t) {
    User member = people.get(Who.MEMBER);
    return api.get(conv(t.conversationId), member.token).body()
        .replaceAll("\"(unreadCount|mentionCount|lastReadSeq)\":[0-9]+", "")
        + api.get(conv(t.conversationId) + "/messages", member.token).body()
        + api.get(conv(t.conversationId) + "/pins", member.token).body();
  }

  @Test
  void everyCallerGetsExactlyWhatTheTableSays() {
    setUp();
    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    for (Row row : rows) {
      for (Kind kind : Kind.values()) {
        if (row.route.startsWith("/api/v1/workspaces/") && kind != Kind.PUBLIC) {
          continue; // workspace rows do not depend on the conversation kind
        }
        for (Who who : Who.values()) {
          int expected = row.expected.get(kind)[who.ordinal()];
          Target t = row.route.startsWith("/api/v1/workspaces/") ? null : target(kind);
          String before = t == null ? "" : snapshot(t);
          Api.Response r = row.call.apply(t, people.get(who));
          cases++;
          String label = row.method + " " + row.route + " on " + kind + " as " + who;
          if (r.status() != expected) {
            mismatches.add(label + ": expected " + expected + ", got " + r.status() + " " + r.body());
          } else if (expected >= 400) {
            if (t != null && !snapshot(t).equals(before)) {
              mismatches.add(label + ": refused with " + expected + " but the conversation changed");
            }
            if (expected == 404 && !r.body().contains("not-found")) {
              mismatches.add(label + ": a 404 must be a not-found problem, got " + r.body());
            }
          }
        }
      }
    }
    assertThat(mismatches).as("%d cases", cases).isEmpty();
  }

  @Test
  void theTableCoversEveryWorkspaceAndConversationRoute() {
    setUp();
    OpenAPI doc = new OpenAPIV3Parser().readContents(api.get("/api/v1/openapi.json").ok(200).body()).getOpenAPI();
    Set<String> documented = new TreeSet<>();
    doc.getPaths().forEach((path, item) -> {
      if (path.startsWith("/api/v1/workspaces") || path.startsWith("/api/v1/conversations")
          || path.startsWith("/api/v1/invites") || path.startsWith("/api/v1/attachments")
          || path.startsWith("/api/v1/users/me/preferences/conversations")) {
        for (PathItem.HttpMethod method : item.readOperationsMap().keySet()) {
          documented.add(method + " " + path);
        }
      }
    });
    Set<String> covered = new TreeSet<>(NOT_SCOPED.keySet());
    for (Row row : rows) {
      covered.add(row.method + " " + row.route.replaceAll("#.*", ""));
    }
    assertThat(covered).as("routes in the authorization table").isEqualTo(documented);
  }
}
