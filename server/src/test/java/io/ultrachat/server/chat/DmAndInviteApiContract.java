package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import io.ultrachat.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Direct conversations ({@code dm}, {@code group_dm}) and workspace invites as a client meets
 * them, over HTTP against a started server. Subclasses run it on SQLite and on PostgreSQL.
 *
 * <p>The server runs on a {@link MutableClock}, so invite expiry is tested by moving time; access
 * tokens expire with it (after an hour), so tests log in again after a long move.
 */
abstract class DmAndInviteApiContract extends ChatApiTestBase {
  private static final String ACCEPT = "/api/v1/invites/accept";

  DmAndInviteApiContract(TestServer.Backend backend) {
    super(backend);
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Direct conversations
  // ---------------------------------------------------------------------------------------------

  @Test
  void theSamePeopleAlwaysGetTheSameDirectConversation() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    addToWorkspace(alice, ws, carol, "member");

    JsonNode dm = openDm(alice, ws, bob.id).ok(201).json();
    String dmId = dm.path("id").asText();
    assertThat(dm.path("id").isTextual()).isTrue();
    assertThat(dm.path("workspaceId").asText()).isEqualTo(ws);
    assertThat(dm.path("kind").asText()).isEqualTo("dm");
    assertThat(dm.path("name").asText()).isEmpty();
    assertThat(dm.path("topic").asText()).isEmpty();
    assertThat(dm.path("createdBy").asText()).isEqualTo(alice.id);
    assertInstant(dm.path("createdAt"));
    assertThat(dm.path("archived").asBoolean()).isFalse();
    assertThat(dm.path("lastSeq").asLong()).isZero();
    assertThat(dm.path("member").asBoolean()).isTrue();
    assertThat(dm.path("unreadCount").asLong()).isZero();
    assertThat(participants(dm)).containsExactlyElementsOf(sortedIds(alice, bob));

    // Naming yourself or not, in any order, from either side: the same conversation.
    assertThat(openDm(alice, ws, bob.id).ok(200).json().path("id").asText()).isEqualTo(dmId);
    assertThat(openDm(alice, ws, bob.id, alice.id).ok(200).json().path("id").asText()).isEqualTo(dmId);
    JsonNode fromBob = openDm(bob, ws, alice.id).ok(200).json();
    assertThat(fromBob.path("id").asText()).isEqualTo(dmId);
    assertThat(fromBob.path("createdBy").asText()).as("the creator stays").isEqualTo(alice.id);
    assertThat(fromBob.path("member").asBoolean()).isTrue();
    assertThat(openDm(bob, ws, bob.id, alice.id).ok(200).json().path("id").asText()).isEqualTo(dmId);

    // Two or more others make a group DM, again one per set of people.
    JsonNode group = openDm(alice, ws, carol.id, bob.id).ok(201).json();
    String groupId = group.path("id").asText();
    assertThat(group.path("kind").asText()).isEqualTo("group_dm");
    assertThat(group.path("name").asText()).isEmpty();
    assertThat(participants(group)).containsExactlyElementsOf(sortedIds(alice, bob, carol));
    assertThat(groupId).isNotEqualTo(dmId);
    assertThat(openDm(carol, ws, bob.id, alice.id, carol.id).ok(200).json().path("id").asText()).isEqualTo(groupId);
    assertThat(openDm(bob, ws, carol.id).ok(201).json().path("kind").asText()).isEqualTo("dm");

    // Listing: channels as before, then the caller's direct conversations, with participants on those only.
    String general = api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "general"), alice.token).ok(201).json()
        .path("id").asText();
    JsonNode list = api.get(ws(ws) + "/conversations", alice.token).ok(200).json().path("conversations");
    assertThat(ids(list)).containsExactly(general, dmId, groupId);
    assertThat(list.get(0).has("participants")).as("channels have no participants: %s", list.get(0)).isFalse();
    assertThat(list.get(1).path("kind").asText()).isEqualTo("dm");
    assertThat(participants(list.get(1))).containsExactlyElementsOf(sortedIds(alice, bob));
    assertThat(list.get(2).path("kind").asText()).isEqualTo("group_dm");
    assertThat(ids(api.get(ws(ws) + "/conversations", carol.token).ok(200).json().path("conversations")))
        .as("carol is in the group and the bob-carol DM, not in alice's DM with bob").hasSize(3).contains(general, groupId)
        .doesNotContain(dmId);
    JsonNode single = api.get(conv(dmId), bob.token).ok(200).json();
    assertThat(single.path("kind").asText()).isEqualTo("dm");
    assertThat(participants(single)).containsExactlyElementsOf(sortedIds(alice, bob));
  }

  @Test
  void concurrentOpensOfTheSameDirectConversationMakeOne() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    addToWorkspace(alice, ws, carol, "member");

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Api.Response> responses = raceAll(pool, 8, i -> () -> switch (i % 3) {
        case 0 -> openDm(alice, ws, bob.id, carol.id);
        case 1 -> openDm(bob, ws, carol.id, alice.id);
        default -> openDm(carol, ws, alice.id, bob.id, carol.id);
      });
      Map<Integer, Integer> statuses = new TreeMap<>();
      Set<String> conversationIds = new HashSet<>();
      for (Api.Response r : responses) {
        statuses.merge(r.status(), 1, Integer::sum);
        conversationIds.add(r.json().path("id").asText());
      }
      assertThat(statuses).as("one creation, seven finds").isEqualTo(Map.of(200, 7, 201, 1));
      assertThat(conversationIds).hasSize(1);
      String id = conversationIds.iterator().next();
      for (User u : List.of(alice, bob, carol)) {
        JsonNode list = api.get(ws(ws) + "/conversations", u.token).ok(200).json().path("conversations");
        assertThat(ids(list)).containsExactly(id);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void directConversationsAreVisibleToTheirParticipantsOnly() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    User oscar = user("oscar");
    String ws = workspace(carol, "Acme");
    addToWorkspace(carol, ws, alice, "member");
    addToWorkspace(carol, ws, bob, "member");
    String dm = openDm(alice, ws, bob.id).ok(201).json().path("id").asText();
    send(alice, dm, "just between us").ok(201);

    // Carol owns the workspace, yet the DM is as hidden from her as from a stranger.
    for (User outsider : List.of(carol, oscar)) {
      api.get(conv(dm), outsider.token).problem(404, "conversation-not-found");
      api.get(conv(dm) + "/messages", outsider.token).problem(404, "conversation-not-found");
      send(outsider, dm, "let me in").problem(404, "conversation-not-found");
      put(conv(dm) + "/members/" + outsider.id, null, outsider.token).problem(404, "conversation-not-found");
      api.post(conv(dm) + "/read", Map.of("seq", 1), outsider.token).problem(404, "conversation-not-found");
    }
    assertThat(ids(api.get(ws(ws) + "/conversations", carol.token).ok(200).json().path("conversations"))).isEmpty();
    api.get(ws(ws) + "/conversations", oscar.token).problem(404, "workspace-not-found");
    // A stranger cannot open DMs in the workspace, nor be named in one.
    openDm(oscar, ws, alice.id).problem(404, "workspace-not-found");
    openDm(alice, ws, oscar.id).problem(404, "user-not-found");
    openDm(alice, ws, "123456789").problem(404, "user-not-found");
    openDm(alice, ws, bob.id, oscar.id).problem(404, "user-not-found");

    // A participant who leaves the workspace loses sight of it; opened again after they return, it is theirs again.
    api.delete(ws(ws) + "/members/" + bob.id, bob.token).ok(204);
    api.get(conv(dm), bob.token).problem(404, "conversation-not-found");
    JsonNode seenByAlice = api.get(conv(dm), alice.token).ok(200).json();
    assertThat(participants(seenByAlice)).as("the participants never change").containsExactlyElementsOf(sortedIds(alice, bob));
    openDm(alice, ws, bob.id).problem(404, "user-not-found");
    addToWorkspace(carol, ws, bob, "member");
    api.get(conv(dm), bob.token).problem(404, "conversation-not-found");
    assertThat(openDm(bob, ws, alice.id).ok(200).json().path("id").asText()).isEqualTo(dm);
    assertThat(bodies(api.get(conv(dm) + "/messages", bob.token).ok(200).json())).containsExactly("just between us");
  }

  @Test
  void messagesHistoryAndReadStateWorkInDirectConversations() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    addToWorkspace(alice, ws, carol, "admin");
    String group = openDm(bob, ws, alice.id, carol.id).ok(201).json().path("id").asText();

    JsonNode first = send(alice, group, "hi both").ok(201).json();
    assertThat(first.path("seq").asLong()).isEqualTo(1);
    assertThat(send(bob, group, "hi alice").ok(201).json().path("seq").asLong()).isEqualTo(2);
    assertThat(send(carol, group, "hello").ok(201).json().path("seq").asLong()).isEqualTo(3);
    assertThat(send(bob, group, "retry me", "c-1").ok(201).json().path("seq").asLong()).isEqualTo(4);
    assertThat(send(bob, group, "retry me", "c-1").ok(200).json().path("seq").asLong()).isEqualTo(4);

    JsonNode page = api.get(conv(group) + "/messages?limit=2", carol.token).ok(200).json();
    assertThat(bodies(page)).containsExactly("hello", "retry me");
    assertThat(page.path("hasMoreBefore").asBoolean()).isTrue();

    JsonNode asCarol = api.get(conv(group), carol.token).ok(200).json();
    assertThat(asCarol.path("lastSeq").asLong()).isEqualTo(4);
    assertThat(asCarol.path("unreadCount").asLong()).isEqualTo(4);
    api.post(conv(group) + "/read", Map.of("seq", 3), carol.token).ok(204);
    asCarol = api.get(conv(group), carol.token).ok(200).json();
    assertThat(asCarol.path("lastReadSeq").asLong()).isEqualTo(3);
    assertThat(asCarol.path("unreadCount").asLong()).isEqualTo(1);

    String messageId = first.path("id").asText();
    assertThat(api.patch(conv(group) + "/messages/" + messageId, Map.of("body", "hi both!"), alice.token).ok(200).json()
        .path("body").asText()).isEqualTo("hi both!");
    api.patch(conv(group) + "/messages/" + messageId, Map.of("body", "not mine"), bob.token).problem(403, "not-author");
    api.delete(conv(group) + "/messages/" + messageId, bob.token).problem(403, "not-author");
    // Carol, a workspace admin and a participant, moderates as in any conversation she can see.
    api.delete(conv(group) + "/messages/" + messageId, carol.token).ok(204);
    assertThat(bodies(api.get(conv(group) + "/messages", bob.token).ok(200).json()))
        .containsExactly(null, "hi alice", "hello", "retry me");
  }

  @Test
  void thePeopleOfADirectConversationAreFixedAndItHasNoNameOrArchive() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    addToWorkspace(alice, ws, carol, "member");
    String dm = openDm(alice, ws, bob.id).ok(201).json().path("id").asText();

    put(conv(dm) + "/members/" + carol.id, null, alice.token).problem(409, "dm-membership-fixed");
    put(conv(dm) + "/members/" + bob.id, null, alice.token).problem(409, "dm-membership-fixed");
    put(conv(dm) + "/members/" + alice.id, null, alice.token).problem(409, "dm-membership-fixed");
    api.delete(conv(dm) + "/members/" + bob.id, alice.token).problem(409, "dm-membership-fixed");
    api.delete(conv(dm) + "/members/" + bob.id, bob.token).problem(409, "dm-membership-fixed");
    put(conv(dm) + "/members/" + carol.id, null, carol.token).problem(404, "conversation-not-found");

    api.patch(conv(dm), Map.of("name", "ours"), alice.token).problem(400, "invalid-input");
    api.patch(conv(dm), Map.of("archived", true), bob.token).problem(400, "invalid-input");
    api.patch(conv(dm), Map.of("archived", false), alice.token).problem(400, "invalid-input");
    JsonNode retopiced = api.patch(conv(dm), Map.of("topic", "lunch plans"), bob.token).ok(200).json();
    assertThat(retopiced.path("topic").asText()).isEqualTo("lunch plans");
    assertThat(retopiced.path("name").asText()).isEmpty();
    assertThat(retopiced.path("archived").asBoolean()).isFalse();

    for (User u : List.of(alice, bob)) {
      JsonNode seen = api.get(conv(dm), u.token).ok(200).json();
      assertThat(seen.path("member").asBoolean()).isTrue();
      assertThat(participants(seen)).containsExactlyElementsOf(sortedIds(alice, bob));
    }
  }

  @Test
  void guestsMayOpenDirectConversations() {
    User alice = user("alice");
    User gina = user("gina");
    User bob = user("bob");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, gina, "guest");
    addToWorkspace(alice, ws, bob, "member");

    JsonNode dm = openDm(gina, ws, alice.id).ok(201).json();
    send(gina, dm.path("id").asText(), "hello from a guest").ok(201);
    assertThat(openDm(bob, ws, gina.id).ok(201).json().path("kind").asText()).isEqualTo("dm");
    List<String> ginas = ids(api.get(ws(ws) + "/conversations", gina.token).ok(200).json().path("conversations"));
    assertThat(ginas).hasSize(2).contains(dm.path("id").asText());
    assertThat(bodies(api.get(conv(dm.path("id").asText()) + "/messages", alice.token).ok(200).json()))
        .containsExactly("hello from a guest");
  }

  @Test
  void directConversationRequestsAreValidated() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    List<User> others = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      User u = user("user" + i);
      addToWorkspace(alice, ws, u, "member");
      others.add(u);
    }
    String path = ws(ws) + "/dms";

    api.post(path, null, alice.token).problem(400, "missing-body");
    api.post(path, "{", alice.token).problem(400, "malformed-json");
    api.post(path, Map.of(), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of()), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of(alice.id)), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of(alice.id, alice.id)), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of(others.get(0).id, others.get(0).id)), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of("abc")), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of("")), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of("99999999999999999999")), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of("-1")), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of(Long.parseLong(others.get(0).id))), alice.token).problem(400, "invalid-input");
    api.post(path, "{\"userIds\": [null]}", alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", others.get(0).id), alice.token).problem(400, "invalid-input");
    api.post(path, Map.of("userIds", List.of(others.get(0).id), "name", "x"), alice.token).problem(400, "invalid-input");
    List<String> nine = others.stream().map(u -> u.id).toList();
    api.post(path, Map.of("userIds", nine), alice.token).problem(400, "invalid-input");
    List<String> nineWithMe = new ArrayList<>(nine.subList(0, 8));
    nineWithMe.add(alice.id);
    nineWithMe.add(nine.get(8));
    api.post(path, Map.of("userIds", nineWithMe), alice.token).problem(400, "invalid-input");
    assertThat(ids(api.get(ws(ws) + "/conversations", alice.token).ok(200).json().path("conversations"))).isEmpty();

    // Eight others (nine people) is the largest group.
    JsonNode largest = api.post(path, Map.of("userIds", nine.subList(0, 8)), alice.token).ok(201).json();
    assertThat(participants(largest)).hasSize(9);
    List<String> eightAndMe = new ArrayList<>(nine.subList(0, 8));
    eightAndMe.add(0, alice.id);
    assertThat(api.post(path, Map.of("userIds", eightAndMe), alice.token).ok(200).json().path("id").asText())
        .isEqualTo(largest.path("id").asText());
    api.post(ws("123456789") + "/dms", Map.of("userIds", List.of(others.get(0).id)), alice.token).problem(404, "workspace-not-found");
  }

  @Test
  void aNewDirectConversationReachesTheOtherPersonsOpenWebSocket() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");

    try (Frames bobs = Frames.connect(server.baseUrl(), bob.token)) {
      String dm = openDm(alice, ws, bob.id).ok(201).json().path("id").asText();
      JsonNode joined = bobs.nextEvent("member.joined", e -> dm.equals(e.path("conversationId").asText())
          && bob.id.equals(e.path("userId").asText()));
      assertThat(joined.path("conversationId").asText()).isEqualTo(dm);
      send(alice, dm, "are you there?").ok(201);
      JsonNode created = bobs.nextEvent("message.created", e -> dm.equals(e.path("conversationId").asText()));
      assertThat(created.path("message").path("body").asText()).isEqualTo("are you there?");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Invites
  // ---------------------------------------------------------------------------------------------

  @Test
  void ownersAndAdminsCreateListAndRevokeInvites() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    User oscar = user("oscar");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "admin");
    addToWorkspace(alice, ws, carol, "member");

    JsonNode byOwner = api.post(invites(ws), Map.of(), alice.token).ok(201).json();
    assertThat(byOwner.path("id").isTextual()).isTrue();
    String token = byOwner.path("token").asText();
    assertThat(token).startsWith("uci_").hasSize(47).matches("uci_[A-Za-z0-9_-]{43}");
    assertThat(byOwner.path("workspaceId").asText()).isEqualTo(ws);
    assertThat(byOwner.path("role").asText()).isEqualTo("member");
    assertThat(byOwner.path("maxUses").asInt()).isEqualTo(1);
    assertThat(byOwner.path("uses").isIntegralNumber()).isTrue();
    assertThat(byOwner.path("uses").asInt()).isZero();
    assertThat(byOwner.path("createdBy").asText()).isEqualTo(alice.id);
    Instant createdAt = assertInstant(byOwner.path("createdAt"));
    assertThat(assertInstant(byOwner.path("expiresAt"))).as("a week by default").isEqualTo(createdAt.plus(Duration.ofHours(168)));

    JsonNode byAdmin = api.post(invites(ws), Map.of("role", "guest", "expiresInHours", 1, "maxUses", 5), bob.token).ok(201).json();
    String adminToken = byAdmin.path("token").asText();
    assertThat(adminToken).startsWith("uci_").isNotEqualTo(token);
    assertThat(byAdmin.path("role").asText()).isEqualTo("guest");
    assertThat(byAdmin.path("maxUses").asInt()).isEqualTo(5);
    assertThat(byAdmin.path("createdBy").asText()).isEqualTo(bob.id);
    assertThat(assertInstant(byAdmin.path("expiresAt"))).isEqualTo(assertInstant(byAdmin.path("createdAt")).plus(Duration.ofHours(1)));
    JsonNode noBody = api.raw("POST", invites(ws), null, "", alice.token).ok(201).json();
    assertThat(noBody.path("role").asText()).isEqualTo("member");
    assertThat(noBody.path("maxUses").asInt()).isEqualTo(1);

    // Members may not manage invites; strangers cannot tell the workspace exists.
    api.post(invites(ws), Map.of(), carol.token).problem(403, "workspace-admin-required");
    api.get(invites(ws), carol.token).problem(403, "workspace-admin-required");
    api.delete(invites(ws) + "/" + byOwner.path("id").asText(), carol.token).problem(403, "workspace-admin-required");
    api.post(invites(ws), Map.of(), oscar.token).problem(404, "workspace-not-found");
    api.get(invites(ws), oscar.token).problem(404, "workspace-not-found");
    api.delete(invites(ws) + "/" + byOwner.path("id").asText(), oscar.token).problem(404, "workspace-not-found");

    // Listings are newest first and never show a token.
    Api.Response listed = api.get(invites(ws), bob.token).ok(200);
    JsonNode list = listed.json().path("invites");
    assertThat(ids(list)).containsExactlyInAnyOrder(byOwner.path("id").asText(), byAdmin.path("id").asText(), noBody.path("id").asText());
    assertThat(list.get(list.size() - 1).path("id").asText()).isEqualTo(byOwner.path("id").asText());
    for (JsonNode i : list) {
      assertThat(i.has("token")).as("no token in %s", i).isFalse();
      assertThat(i.path("workspaceId").asText()).isEqualTo(ws);
      assertInstant(i.path("expiresAt"));
    }
    assertThat(listed.body()).doesNotContain(token).doesNotContain(adminToken).doesNotContain("uci_");

    // Revoking makes the token name nothing.
    api.delete(invites(ws) + "/" + byOwner.path("id").asText(), bob.token).ok(204);
    api.delete(invites(ws) + "/" + byOwner.path("id").asText(), alice.token).problem(404, "invite-not-found");
    api.delete(invites(ws) + "/123456789", alice.token).problem(404, "invite-not-found");
    api.delete(invites(ws) + "/not-an-id", alice.token).ok(404);
    api.post(ACCEPT, Map.of("token", token), oscar.token).problem(404, "invite-not-found");
    api.get(ws(ws), oscar.token).problem(404, "workspace-not-found");
    assertThat(ids(api.get(invites(ws), alice.token).ok(200).json().path("invites")))
        .containsExactlyInAnyOrder(byAdmin.path("id").asText(), noBody.path("id").asText());

    // An invite id from another workspace names nothing here.
    String other = workspace(oscar, "Other");
    String othersInvite = api.post(invites(other), Map.of(), oscar.token).ok(201).json().path("id").asText();
    api.delete(invites(ws) + "/" + othersInvite, alice.token).problem(404, "invite-not-found");
  }

  @Test
  void acceptingAnInviteJoinsWithItsRoleAndMembersSpendNoUse() {
    User alice = user("alice");
    User dave = user("dave");
    User gina = user("gina");
    String ws = workspace(alice, "Acme");
    String memberToken = api.post(invites(ws), Map.of("maxUses", 3), alice.token).ok(201).json().path("token").asText();
    String guestToken = api.post(invites(ws), Map.of("role", "guest"), alice.token).ok(201).json().path("token").asText();

    JsonNode joined = api.post(ACCEPT, Map.of("token", memberToken), dave.token).ok(200).json();
    assertThat(joined.path("id").asText()).isEqualTo(ws);
    assertThat(joined.path("name").asText()).isEqualTo("Acme");
    assertThat(joined.path("role").asText()).isEqualTo("member");
    assertInstant(joined.path("createdAt"));
    assertThat(api.get(ws(ws), dave.token).ok(200).json().path("role").asText()).isEqualTo("member");

    assertThat(api.post(ACCEPT, Map.of("token", guestToken), gina.token).ok(200).json().path("role").asText()).isEqualTo("guest");
    assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("alice", "owner", "dave", "member", "gina", "guest"));

    // Members accepting again (or the owner) change nothing and spend nothing: a single-use invite still works after.
    assertThat(api.post(ACCEPT, Map.of("token", memberToken), dave.token).ok(200).json().path("role").asText()).isEqualTo("member");
    assertThat(api.post(ACCEPT, Map.of("token", memberToken), alice.token).ok(200).json().path("role").asText()).isEqualTo("owner");
    assertThat(api.post(ACCEPT, Map.of("token", memberToken), gina.token).ok(200).json().path("role").asText())
        .as("a guest is not promoted by a member invite").isEqualTo("guest");
    assertThat(usesByRole(ws, alice)).containsExactlyInAnyOrderEntriesOf(Map.of("member", 1, "guest", 1));

    // A new member sees what members see: public channels.
    api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "general"), alice.token).ok(201);
    assertThat(api.get(ws(ws) + "/conversations", dave.token).ok(200).json().path("conversations")).hasSize(1);
    assertThat(api.get(ws(ws) + "/conversations", gina.token).ok(200).json().path("conversations")).isEmpty();
  }

  @Test
  void anInviteExpires() {
    User alice = user("alice");
    User dave = user("dave");
    User erin = user("erin");
    String ws = workspace(alice, "Acme");
    String hourly = api.post(invites(ws), Map.of("expiresInHours", 1, "maxUses", 10), alice.token).ok(201).json().path("token").asText();
    String weekly = api.post(invites(ws), Map.of("maxUses", 10), alice.token).ok(201).json().path("token").asText();

    clock.advance(Duration.ofMinutes(59));
    assertThat(api.post(ACCEPT, Map.of("token", hourly), dave.token).ok(200).json().path("role").asText()).isEqualTo("member");

    clock.advance(Duration.ofMinutes(1));
    erin = login(erin);
    api.post(ACCEPT, Map.of("token", hourly), erin.token).problem(409, "invite-expired");
    api.get(ws(ws), erin.token).problem(404, "workspace-not-found");

    clock.advance(Duration.ofHours(167).minusSeconds(1)); // one second before the week is over
    erin = login(erin);
    assertThat(api.post(ACCEPT, Map.of("token", weekly), erin.token).ok(200).json().path("id").asText()).isEqualTo(ws);

    clock.advance(Duration.ofSeconds(1));
    User frank = login(user("frank"));
    api.post(ACCEPT, Map.of("token", weekly), frank.token).problem(409, "invite-expired");
    // A member holding an expired invite is still simply a member.
    assertThat(api.post(ACCEPT, Map.of("token", weekly), login(erin).token).ok(200).json().path("role").asText()).isEqualTo("member");
  }

  @Test
  void anInviteIsUsedUpAfterMaxUses() {
    User alice = user("alice");
    User dave = user("dave");
    User erin = user("erin");
    User frank = user("frank");
    String ws = workspace(alice, "Acme");
    JsonNode invite = api.post(invites(ws), Map.of("maxUses", 2), alice.token).ok(201).json();
    String token = invite.path("token").asText();

    api.post(ACCEPT, Map.of("token", token), dave.token).ok(200);
    api.post(ACCEPT, Map.of("token", token), erin.token).ok(200);
    api.post(ACCEPT, Map.of("token", token), frank.token).problem(409, "invite-exhausted");
    api.get(ws(ws), frank.token).problem(404, "workspace-not-found");

    JsonNode listed = api.get(invites(ws), alice.token).ok(200).json().path("invites").get(0);
    assertThat(listed.path("uses").asInt()).isEqualTo(2);
    assertThat(listed.path("maxUses").asInt()).isEqualTo(2);
    // After revoking, the same token is simply unknown.
    api.delete(invites(ws) + "/" + invite.path("id").asText(), alice.token).ok(204);
    api.post(ACCEPT, Map.of("token", token), frank.token).problem(404, "invite-not-found");
  }

  @Test
  void concurrentAcceptsOfASingleUseInviteLetExactlyOnePersonIn() throws Exception {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String token = api.post(invites(ws), Map.of(), alice.token).ok(201).json().path("token").asText();
    List<User> people = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      people.add(user("joiner" + i));
    }

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Api.Response> responses = raceAll(pool, 8, i -> () -> api.post(ACCEPT, Map.of("token", token), people.get(i).token));
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (Api.Response r : responses) {
        statuses.merge(r.status(), 1, Integer::sum);
        if (r.status() == 409) {
          r.problem(409, "invite-exhausted");
        }
      }
      assertThat(statuses).isEqualTo(Map.of(200, 1, 409, 7));
    } finally {
      pool.shutdownNow();
    }
    assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json())).hasSize(2);
    assertThat(api.get(invites(ws), alice.token).ok(200).json().path("invites").get(0).path("uses").asInt()).isEqualTo(1);
  }

  @Test
  void inviteRequestsAreValidated() {
    User alice = user("alice");
    User dave = user("dave");
    String ws = workspace(alice, "Acme");

    for (Object role : List.of("owner", "admin", "boss", "", "Member")) {
      api.post(invites(ws), Map.of("role", role), alice.token).problem(400, "invalid-input");
    }
    for (Object hours : List.of(0, 721, -1, 1.5, "5", 99999999999L)) {
      api.post(invites(ws), Map.of("expiresInHours", hours), alice.token).problem(400, "invalid-input");
    }
    for (Object uses : List.of(0, 1001, -3, true)) {
      api.post(invites(ws), Map.of("maxUses", uses), alice.token).problem(400, "invalid-input");
    }
    api.post(invites(ws), Map.of("token", "mine"), alice.token).problem(400, "invalid-input");
    api.post(invites(ws), "[]", alice.token).problem(400, "invalid-input");
    api.post(invites(ws), "{", alice.token).problem(400, "malformed-json");
    assertThat(api.get(invites(ws), alice.token).ok(200).json().path("invites")).isEmpty();
    JsonNode limits = api.post(invites(ws), Map.of("role", "guest", "expiresInHours", 720, "maxUses", 1000), alice.token).ok(201).json();
    assertThat(limits.path("maxUses").asInt()).isEqualTo(1000);

    api.post(ACCEPT, null, dave.token).problem(400, "missing-body");
    api.post(ACCEPT, Map.of(), dave.token).problem(400, "invalid-input");
    api.post(ACCEPT, Map.of("token", ""), dave.token).problem(400, "invalid-input");
    api.post(ACCEPT, Map.of("token", 42), dave.token).problem(400, "invalid-input");
    api.post(ACCEPT, Map.of("token", "uci_" + "x".repeat(200)), dave.token).problem(400, "invalid-input");
    api.post(ACCEPT, Map.of("token", limits.path("token").asText(), "extra", 1), dave.token).problem(400, "invalid-input");
    api.post(ACCEPT, Map.of("token", "uci_nope"), dave.token).problem(404, "invite-not-found");
    api.post(ACCEPT, Map.of("token", "uct_" + limits.path("token").asText().substring(4)), dave.token).problem(404, "invite-not-found");
    api.post(ACCEPT, Map.of("token", limits.path("token").asText().toUpperCase()), dave.token).problem(404, "invite-not-found");
    api.post(ACCEPT, Map.of("token", limits.path("token").asText()), null).ok(401);
    api.get(ws(ws), dave.token).problem(404, "workspace-not-found");
  }

  @Test
  void invitesNeedChatScopes() {
    User alice = user("alice");
    User dave = user("dave");
    String ws = workspace(alice, "Acme");
    String reader = apiToken(alice, "chat:read");
    String daveReader = apiToken(dave, "chat:read");
    String token = api.post(invites(ws), Map.of(), alice.token).ok(201).json().path("token").asText();

    api.get(invites(ws), reader).ok(200);
    api.post(invites(ws), Map.of(), reader).problem(403, "insufficient-scope");
    api.post(ACCEPT, Map.of("token", token), daveReader).problem(403, "insufficient-scope");
    api.post(ws(ws) + "/dms", Map.of("userIds", List.of(alice.id)), daveReader).problem(403, "insufficient-scope");
    assertThat(api.post(ACCEPT, Map.of("token", token), apiToken(dave, "chat:write")).ok(200).json().path("role").asText())
        .isEqualTo("member");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------


  /** Runs the i-th request on its own thread, all released at once, and returns the responses in order. */
  private static List<Api.Response> raceAll(ExecutorService pool, int n, java.util.function.IntFunction<Callable<Api.Response>> request)
      throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Api.Response>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Callable<Api.Response> call = request.apply(i);
      futures.add(pool.submit(() -> {
        go.await();
        return call.call();
      }));
    }
    go.countDown();
    List<Api.Response> out = new ArrayList<>();
    for (Future<Api.Response> f : futures) {
      out.add(f.get(120, TimeUnit.SECONDS));
    }
    return out;
  }

  private Api.Response openDm(User by, String ws, String... userIds) {
    return api.post(ws(ws) + "/dms", Map.of("userIds", List.of(userIds)), by.token);
  }

  private static String invites(String ws) {
    return ws(ws) + "/invites";
  }

  private Api.Response send(User by, String conversationId, String body) {
    return send(by, conversationId, body, null);
  }

  /** The participants of a direct conversation, as sent. */
  private static List<String> participants(JsonNode conversation) {
    assertThat(conversation.path("participants").isArray()).as("participants in %s", conversation).isTrue();
    List<String> out = new ArrayList<>();
    conversation.path("participants").forEach(p -> {
      assertThat(p.isTextual()).as("ids travel as strings: %s", p).isTrue();
      out.add(p.asText());
    });
    return out;
  }

  /** User ids in ascending numeric order, as participants are listed. */
  private static List<String> sortedIds(User... users) {
    return java.util.Arrays.stream(users).map(u -> u.id).sorted(Comparator.comparingLong(Long::parseLong)).toList();
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(c -> out.add(c.path("id").asText()));
    return out;
  }

  private Map<String, Integer> usesByRole(String ws, User admin) {
    Map<String, Integer> out = new LinkedHashMap<>();
    api.get(invites(ws), admin.token).ok(200).json().path("invites")
        .forEach(i -> out.merge(i.path("role").asText(), i.path("uses").asInt(), Integer::sum));
    return out;
  }

  /** A minimal realtime client: says hello with a token and collects event frames. */
  private static final class Frames implements AutoCloseable, WebSocket.Listener {
    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private Frames(String baseUrl) {
      this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create(baseUrl.replace("http://", "ws://") + "/api/v1/realtime"), this).join();
    }

    static Frames connect(String baseUrl, String token) throws Exception {
      Frames f = new Frames(baseUrl);
      f.socket.sendText(Json.mapper().writeValueAsString(Map.of("type", "hello", "token", token, "resume", Map.of())), true).join();
      f.next(frame -> "ready".equals(frame.path("type").asText()));
      return f;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(Json.mapper().readTree(partial.toString()));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    JsonNode next(java.util.function.Predicate<JsonNode> matching) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        JsonNode f = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no matching frame within 10 s");
        }
        if (matching.test(f)) {
          return f;
        }
      }
    }

    JsonNode nextEvent(String type, java.util.function.Predicate<JsonNode> matching) throws InterruptedException {
      return next(f -> "event".equals(f.path("type").asText()) && type.equals(f.path("event").path("type").asText())
          && matching.test(f.path("event"))).path("event");
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
  }
}
