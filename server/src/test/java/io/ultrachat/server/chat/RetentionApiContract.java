package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-workspace message retention over HTTP: the policy in the workspace (PATCH, owners and
 * admins), and the maintenance run that applies it; subclasses run it on SQLite and PostgreSQL.
 */
abstract class RetentionApiContract extends ChatApiTestBase {
  RetentionApiContract(TestServer.Backend backend) {
    super(backend);
  }

  private User owner;
  private User admin;
  private User member;
  private User guest;
  private User outsider;
  private String acme;

  private void setUp() {
    owner = user("owner");
    admin = user("admin");
    member = user("member");
    guest = user("guest");
    outsider = user("outsider");
    acme = workspace(owner, "Acme");
    addToWorkspace(owner, acme, admin, "admin");
    addToWorkspace(owner, acme, member, "member");
    addToWorkspace(owner, acme, guest, "guest");
  }

  private String channel(User by, String workspace, String name) {
    return api.post(ws(workspace) + "/conversations", Map.of("kind", "public", "name", name), by.token).ok(201).json()
        .path("id").asText();
  }

  private String message(User by, String conversation, String body) {
    return send(by, conversation, body, null).ok(201).json().path("id").asText();
  }

  /** The JSON text itself: the API's JSON writer would leave a null out. */
  private static String retention(Integer days) {
    return "{\"retentionDays\": " + days + "}";
  }

  private void runMaintenance() {
    server.server().chat().orElseThrow().maintain();
  }

  /** Moves the clock and signs everyone in again (access tokens live an hour). */
  private void daysPass(int days) {
    clock.advance(Duration.ofDays(days));
    owner = login(owner);
    member = login(member);
    outsider = login(outsider);
  }

  private List<String> history(User as, String conversation) {
    List<String> out = new ArrayList<>();
    api.get(conv(conversation) + "/messages", as.token).ok(200).json().path("messages").forEach(m -> out.add(m.path("id").asText()));
    return out;
  }

  private List<String> search(User as, String workspace, String q) {
    List<String> out = new ArrayList<>();
    api.get(ws(workspace) + "/search?q=" + q, as.token).ok(200).json().path("results")
        .forEach(r -> out.add(r.path("message").path("id").asText()));
    return out;
  }

  @Test
  void ownersAndAdminsSetThePolicyAndEveryMemberSeesIt() {
    setUp();
    JsonNode fresh = api.get(ws(acme), member.token).ok(200).json();
    assertThat(fresh.has("retentionDays")).isTrue();
    assertThat(fresh.path("retentionDays").isNull()).as("kept forever by default").isTrue();

    JsonNode set = api.patch(ws(acme), retention(30), owner.token).ok(200).json();
    assertThat(set.path("retentionDays").asInt()).isEqualTo(30);
    assertThat(set.path("role").asText()).isEqualTo("owner");
    assertThat(api.get(ws(acme), member.token).ok(200).json().path("retentionDays").asInt()).isEqualTo(30);
    assertThat(api.get(WORKSPACES, member.token).ok(200).json().path("workspaces").get(0).path("retentionDays").asInt()).isEqualTo(30);

    assertThat(api.patch(ws(acme), retention(36500), admin.token).ok(200).json().path("retentionDays").asInt()).isEqualTo(36500);
    assertThat(api.patch(ws(acme), retention(1), admin.token).ok(200).json().path("retentionDays").asInt()).isEqualTo(1);
    assertThat(api.patch(ws(acme), retention(null), admin.token).ok(200).json().path("retentionDays").isNull()).isTrue();

    JsonNode renamed = api.patch(ws(acme), Map.of("name", "  Acme Corp "), owner.token).ok(200).json();
    assertThat(renamed.path("name").asText()).isEqualTo("Acme Corp");
    assertThat(renamed.path("retentionDays").isNull()).as("an absent field keeps its value").isTrue();
    api.patch(ws(acme), retention(90), owner.token).ok(200);
    assertThat(api.patch(ws(acme), Map.of("name", "Acme"), owner.token).ok(200).json().path("retentionDays").asInt()).isEqualTo(90);
  }

  @Test
  void othersMayNotChangeItAndNothingChanges() {
    setUp();
    api.patch(ws(acme), retention(90), owner.token).ok(200);

    api.patch(ws(acme), retention(1), member.token).problem(403, "workspace-admin-required");
    api.patch(ws(acme), Map.of("name", "Mine"), guest.token).problem(403, "workspace-admin-required");
    api.patch(ws(acme), retention(1), outsider.token).problem(404, "workspace-not-found");
    api.patch(ws("999"), retention(1), outsider.token).problem(404, "workspace-not-found");
    api.patch(ws("abc"), retention(1), owner.token).problem(404, "not-found");

    JsonNode now = api.get(ws(acme), owner.token).ok(200).json();
    assertThat(now.path("retentionDays").asInt()).isEqualTo(90);
    assertThat(now.path("name").asText()).isEqualTo("Acme");
  }

  @Test
  void badValuesAreRefusedAndNothingChanges() {
    setUp();
    api.patch(ws(acme), retention(90), owner.token).ok(200);
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("{\"retentionDays\": 0}", "retentionDays");
    bodies.put("{\"retentionDays\": -5}", "retentionDays");
    bodies.put("{\"retentionDays\": 36501}", "retentionDays");
    bodies.put("{\"retentionDays\": 99999999999}", "retentionDays");
    bodies.put("{\"retentionDays\": 1.5}", "retentionDays");
    bodies.put("{\"retentionDays\": \"30\"}", "retentionDays");
    bodies.put("{\"retentionDays\": true}", "retentionDays");
    bodies.put("{\"name\": null}", "name");
    bodies.put("{\"name\": \"   \"}", "name");
    bodies.put("{\"name\": \"" + "x".repeat(81) + "\"}", "name");
    bodies.put("{\"color\": \"red\"}", "color");
    bodies.put("{}", null);
    bodies.forEach((body, field) -> {
      Api.Response r = api.raw("PATCH", ws(acme), "application/json", body, owner.token);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
      if (field != null) {
        assertThat(r.body()).as(body).contains(field);
      }
    });

    JsonNode now = api.get(ws(acme), owner.token).ok(200).json();
    assertThat(now.path("retentionDays").asInt()).isEqualTo(90);
    assertThat(now.path("name").asText()).isEqualTo("Acme");
  }

  @Test
  void maintenanceDeletesMessagesOlderThanThePolicyFromHistoryAndSearch() {
    setUp();
    String general = channel(owner, acme, "general");
    put(conv(general) + "/members/" + member.id, null, member.token).ok(200);
    String dm = api.post(ws(acme) + "/dms", Map.of("userIds", List.of(member.id)), owner.token).ok(201).json().path("id").asText();
    String elsewhere = workspace(outsider, "Elsewhere");
    String lobby = channel(outsider, elsewhere, "lobby");

    String oldRoot = message(owner, general, "ancient history root");
    String oldReply = api.post(conv(general) + "/messages", Map.of("body", "ancient reply", "threadRootId", oldRoot), member.token)
        .ok(201).json().path("id").asText();
    put(conv(general) + "/messages/" + oldRoot + "/reactions/tada", null, member.token).ok(200);
    put(conv(general) + "/pins/" + oldRoot, null, member.token).ok(200);
    String oldDm = message(member, dm, "ancient whisper");
    String otherWorkspaceOld = message(outsider, lobby, "ancient but elsewhere");

    daysPass(20);
    String middle = message(owner, general, "middle aged message");
    daysPass(15);
    String fresh = message(member, general, "fresh message");

    // Read (and cache) history before the policy exists: nothing is deleted without one.
    assertThat(history(owner, general)).containsExactly(oldRoot, oldReply, middle, fresh);
    runMaintenance();
    assertThat(history(owner, general)).containsExactly(oldRoot, oldReply, middle, fresh);

    api.patch(ws(acme), retention(30), owner.token).ok(200);
    assertThat(history(owner, general)).as("the policy applies at the next maintenance run").hasSize(4);
    runMaintenance();

    JsonNode page = api.get(conv(general) + "/messages", owner.token).ok(200).json();
    assertThat(bodies(page)).containsExactly("middle aged message", "fresh message");
    assertThat(page.path("hasMoreBefore").asBoolean()).as("nothing older remains").isFalse();
    JsonNode before = api.get(conv(general) + "/messages?before=" + page.path("messages").get(0).path("seq").asLong(), owner.token)
        .ok(200).json();
    assertThat(before.path("messages")).isEmpty();
    assertThat(before.path("hasMoreBefore").asBoolean()).isFalse();
    assertThat(history(member, dm)).isEmpty();
    assertThat(search(owner, acme, "ancient")).isEmpty();
    assertThat(search(owner, acme, "message")).containsExactlyInAnyOrder(middle, fresh);
    api.get(conv(general) + "/messages/" + oldRoot, owner.token).problem(404, "message-not-found");
    api.get(conv(general) + "/messages/" + oldRoot + "/thread", owner.token).problem(404, "message-not-found");
    assertThat(api.get(conv(general) + "/pins", owner.token).ok(200).json().path("messages")).isEmpty();
    // Other workspaces keep theirs.
    assertThat(history(outsider, lobby)).containsExactly(otherWorkspaceOld);
    assertThat(search(outsider, elsewhere, "ancient")).containsExactly(otherWorkspaceOld);
    // Sequences go on from where they were.
    assertThat(send(member, general, "after the purge", null).ok(201).json().path("seq").asLong()).isEqualTo(5);
    assertThat(oldDm).isNotBlank();
  }

  @Test
  void aClientIdOfAPurgedMessageSendsANewMessage() {
    setUp();
    String general = channel(owner, acme, "general");
    String first = send(owner, general, "first", "retry-1").ok(201).json().path("id").asText();
    api.patch(ws(acme), retention(7), owner.token).ok(200);
    daysPass(8);
    runMaintenance();

    Api.Response again = send(owner, general, "second", "retry-1").ok(201);

    assertThat(again.json().path("id").asText()).isNotEqualTo(first);
    assertThat(bodies(api.get(conv(general) + "/messages", owner.token).ok(200).json())).containsExactly("second");
  }
}
