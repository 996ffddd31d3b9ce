package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.time.Duration;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The Chat API (workspaces, conversations, messages, read state) as a client meets it, over
 * HTTP against a started server. Subclasses run it on SQLite and on PostgreSQL.
 *
 * <p>Anything a caller may not see answers 404 and never 403, so most tests check both the
 * allowed path and the hidden path with the exact problem code.
 */
abstract class ChatApiContract extends ChatApiTestBase {
  ChatApiContract(TestServer.Backend backend) {
    super(backend);
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Workspaces and their members
  // ---------------------------------------------------------------------------------------------

  @Test
  void workspaceLifecycleWithRolesAndLeaving() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");

    JsonNode created = api.post(WORKSPACES, Map.of("name", "Acme Corp"), alice.token).ok(201).json();
    String ws = created.path("id").asText();
    assertThat(created.path("id").isTextual()).as("ids travel as strings").isTrue();
    assertThat(created.path("name").asText()).isEqualTo("Acme Corp");
    assertThat(created.path("role").asText()).isEqualTo("owner");
    assertInstant(created.path("createdAt"));

    JsonNode listed = api.get(WORKSPACES, alice.token).ok(200).json().path("workspaces");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("id").asText()).isEqualTo(ws);
    assertThat(listed.get(0).path("role").asText()).isEqualTo("owner");
    assertThat(api.get(WORKSPACES, bob.token).ok(200).json().path("workspaces")).isEmpty();

    // Bob is not in it: he cannot even learn that it exists.
    api.get(ws(ws), bob.token).problem(404, "workspace-not-found");
    api.get(ws(ws) + "/members", bob.token).problem(404, "workspace-not-found");

    JsonNode bobMember = put(ws(ws) + "/members/" + bob.id, Map.of("role", "member"), alice.token).ok(200).json();
    assertThat(bobMember.path("userId").asText()).isEqualTo(bob.id);
    assertThat(bobMember.path("username").asText()).isEqualTo("bob");
    assertThat(bobMember.path("displayName").asText()).isEqualTo("bob");
    assertThat(bobMember.path("role").asText()).isEqualTo("member");
    assertInstant(bobMember.path("joinedAt"));

    JsonNode asBob = api.get(ws(ws), bob.token).ok(200).json();
    assertThat(asBob.path("id").asText()).isEqualTo(ws);
    assertThat(asBob.path("name").asText()).isEqualTo("Acme Corp");
    assertThat(asBob.path("role").asText()).isEqualTo("member");
    assertThat(api.get(WORKSPACES, bob.token).ok(200).json().path("workspaces")).hasSize(1);

    assertThat(roles(api.get(ws(ws) + "/members", bob.token).ok(200).json()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("alice", "owner", "bob", "member"));

    // A plain member cannot add people; an unknown user is named as such.
    put(ws(ws) + "/members/" + carol.id, Map.of("role", "member"), bob.token).problem(403, "workspace-admin-required");
    put(ws(ws) + "/members/123456789", Map.of("role", "member"), alice.token).problem(404, "user-not-found");
    api.get(ws(ws), carol.token).problem(404, "workspace-not-found");

    // The owner promotes bob; as admin he adds carol but may not make admins or remove the owner.
    assertThat(put(ws(ws) + "/members/" + bob.id, Map.of("role", "admin"), alice.token).ok(200).json().path("role").asText())
        .isEqualTo("admin");
    assertThat(api.get(ws(ws), bob.token).ok(200).json().path("role").asText()).isEqualTo("admin");
    assertThat(put(ws(ws) + "/members/" + carol.id, Map.of("role", "member"), bob.token).ok(200).json().path("role").asText())
        .isEqualTo("member");
    put(ws(ws) + "/members/" + carol.id, Map.of("role", "admin"), bob.token).problem(403, "workspace-admin-required");
    api.delete(ws(ws) + "/members/" + alice.id, bob.token).problem(403, "workspace-admin-required");
    Api.Response ownerDemotion = put(ws(ws) + "/members/" + alice.id, Map.of("role", "member"), bob.token);
    assertThat(ownerDemotion.status()).as("nobody changes an owner's role: %s", ownerDemotion.body()).isEqualTo(403);

    // The only owner cannot leave.
    api.delete(ws(ws) + "/members/" + alice.id, alice.token).problem(409, "last-owner");
    assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("alice", "owner", "bob", "admin", "carol", "member"));

    // Carol leaves; afterwards the workspace is hidden from her again.
    api.delete(ws(ws) + "/members/" + carol.id, carol.token).ok(204);
    api.get(ws(ws), carol.token).problem(404, "workspace-not-found");
    assertThat(api.get(WORKSPACES, carol.token).ok(200).json().path("workspaces")).isEmpty();
    api.delete(ws(ws) + "/members/" + carol.id, alice.token).problem(404, "member-not-found");
    assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("alice", "owner", "bob", "admin"));
  }

  @Test
  void adminsRemoveMembersButNotOtherAdminsAndOwnersRemoveAdmins() {
    User alice = user("alice");
    User bob = user("bob");
    User dave = user("dave");
    User erin = user("erin");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "admin");
    addToWorkspace(alice, ws, dave, "admin");
    addToWorkspace(alice, ws, erin, "member");

    api.delete(ws(ws) + "/members/" + dave.id, bob.token).problem(403, "workspace-admin-required");
    api.delete(ws(ws) + "/members/" + bob.id, erin.token).problem(403, "workspace-admin-required");
    api.delete(ws(ws) + "/members/" + erin.id, bob.token).ok(204);
    api.get(ws(ws), erin.token).problem(404, "workspace-not-found");
    api.delete(ws(ws) + "/members/" + dave.id, alice.token).ok(204);
    api.get(ws(ws), dave.token).problem(404, "workspace-not-found");
    assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("alice", "owner", "bob", "admin"));
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Conversations
  // ---------------------------------------------------------------------------------------------

  @Test
  void conversationsAreVisibleByKindMembershipAndRole() {
    User alice = user("alice");
    User bob = user("bob");
    User gina = user("gina");
    User oscar = user("oscar");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    addToWorkspace(alice, ws, gina, "guest");

    JsonNode general = api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "general"), alice.token).ok(201).json();
    String generalId = general.path("id").asText();
    assertThat(general.path("id").isTextual()).isTrue();
    assertThat(general.path("workspaceId").asText()).isEqualTo(ws);
    assertThat(general.path("kind").asText()).isEqualTo("public");
    assertThat(general.path("name").asText()).isEqualTo("general");
    assertThat(general.path("createdBy").asText()).isEqualTo(alice.id);
    assertInstant(general.path("createdAt"));
    assertThat(general.path("archived").isBoolean()).isTrue();
    assertThat(general.path("archived").asBoolean()).isFalse();
    assertThat(general.path("lastSeq").isIntegralNumber()).isTrue();
    assertThat(general.path("lastSeq").asLong()).isZero();
    assertThat(general.path("member").asBoolean()).as("the creator becomes a member").isTrue();
    assertThat(general.path("lastReadSeq").asLong()).isZero();
    assertThat(general.path("unreadCount").asLong()).isZero();

    JsonNode secret = api.post(ws(ws) + "/conversations", Map.of("kind", "private", "name", "secret", "topic", "plans"), alice.token)
        .ok(201).json();
    String secretId = secret.path("id").asText();
    assertThat(secret.path("kind").asText()).isEqualTo("private");
    assertThat(secret.path("topic").asText()).isEqualTo("plans");
    assertThat(secret.path("member").asBoolean()).isTrue();

    // Names are unique per workspace ignoring case, and must follow the name rules.
    api.post(ws(ws) + "/conversations", Map.of("kind", "private", "name", "general"), alice.token).problem(409, "conversation-name-taken");
    Api.Response upper = api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "General"), alice.token);
    // The spec allows only [a-z0-9_-] in names, so "General" is invalid input; an implementation that
    // folds case first would report the clash instead. Either way it must be refused.
    if (upper.status() == 400) {
      upper.problem(400, "invalid-input");
    } else {
      upper.problem(409, "conversation-name-taken");
    }
    for (String bad : List.of("Has Space", "", "a".repeat(81), "has space", "dot.name", "ünïcode")) {
      api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", bad), alice.token).problem(400, "invalid-input");
    }
    api.post(ws(ws) + "/conversations", Map.of("kind", "secret", "name", "kinds"), alice.token).problem(400, "invalid-input");
    api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "topics", "topic", "t".repeat(251)), alice.token)
        .problem(400, "invalid-input");
    String longest = api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "a".repeat(80), "topic", "t".repeat(250)),
        alice.token).ok(201).json().path("id").asText();
    assertThat(names(api.get(ws(ws) + "/conversations", alice.token).ok(200).json()))
        .containsExactlyInAnyOrder("general", "secret", "a".repeat(80));

    // An outsider sees nothing at all.
    api.get(conv(generalId), oscar.token).problem(404, "conversation-not-found");
    api.get(conv(secretId), oscar.token).problem(404, "conversation-not-found");
    api.get(ws(ws) + "/conversations", oscar.token).problem(404, "workspace-not-found");
    api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "intruder"), oscar.token).problem(404, "workspace-not-found");
    put(conv(generalId) + "/members/" + oscar.id, null, oscar.token).problem(404, "conversation-not-found");

    // A workspace member sees public conversations but not private ones they are not in.
    JsonNode bobsList = api.get(ws(ws) + "/conversations", bob.token).ok(200).json();
    assertThat(names(bobsList)).containsExactlyInAnyOrder("general", "a".repeat(80));
    assertThat(byName(bobsList, "general").path("member").asBoolean()).isFalse();
    JsonNode bobsView = api.get(conv(generalId), bob.token).ok(200).json();
    assertThat(bobsView.path("member").asBoolean()).isFalse();
    assertThat(bobsView.path("name").asText()).isEqualTo("general");
    api.get(conv(secretId), bob.token).problem(404, "conversation-not-found");

    // Joining: public yes, private is hidden.
    JsonNode joined = put(conv(generalId) + "/members/" + bob.id, null, bob.token).ok(200).json();
    assertThat(joined.path("id").asText()).isEqualTo(generalId);
    assertThat(joined.path("member").asBoolean()).isTrue();
    assertThat(api.get(conv(generalId), bob.token).ok(200).json().path("member").asBoolean()).isTrue();
    put(conv(secretId) + "/members/" + bob.id, null, bob.token).problem(404, "conversation-not-found");
    api.get(conv(secretId), bob.token).problem(404, "conversation-not-found");

    // A member of the private conversation adds bob; now he sees it.
    JsonNode added = put(conv(secretId) + "/members/" + bob.id, null, alice.token).ok(200).json();
    assertThat(added.path("id").asText()).isEqualTo(secretId);
    assertThat(added.path("member").asBoolean()).as("as the caller (alice) sees it").isTrue();
    assertThat(api.get(conv(secretId), bob.token).ok(200).json().path("member").asBoolean()).isTrue();
    assertThat(names(api.get(ws(ws) + "/conversations", bob.token).ok(200).json()))
        .containsExactlyInAnyOrder("general", "secret", "a".repeat(80));
    put(conv(secretId) + "/members/123456789", null, alice.token).problem(404, "user-not-found");
    Api.Response outsiderAdded = put(conv(secretId) + "/members/" + oscar.id, null, alice.token);
    assertThat(outsiderAdded.status()).as("only workspace members can be added: %s", outsiderAdded.body()).isEqualTo(404);
    api.get(conv(secretId), oscar.token).problem(404, "conversation-not-found");

    // Guests cannot create and only see conversations they were added to.
    assertThat(api.get(ws(ws), gina.token).ok(200).json().path("role").asText()).isEqualTo("guest");
    api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "guestroom"), gina.token).problem(403, "guests-cannot-create");
    api.post(ws(ws) + "/conversations", Map.of("kind", "private", "name", "guestroom"), gina.token).problem(403, "guests-cannot-create");
    assertThat(names(api.get(ws(ws) + "/conversations", gina.token).ok(200).json())).isEmpty();
    Api.Response guestJoin = put(conv(generalId) + "/members/" + gina.id, null, gina.token);
    assertThat(guestJoin.status()).as("guests cannot join by themselves: %s", guestJoin.body()).isIn(403, 404);
    assertThat(names(api.get(ws(ws) + "/conversations", gina.token).ok(200).json())).isEmpty();
    put(conv(generalId) + "/members/" + gina.id, null, bob.token).ok(200);
    assertThat(names(api.get(ws(ws) + "/conversations", gina.token).ok(200).json())).containsExactly("general");
    assertThat(api.get(conv(generalId), gina.token).ok(200).json().path("member").asBoolean()).isTrue();
    assertThat(longest).isNotEqualTo(generalId);
  }

  @Test
  void conversationsAreRenamedByTheirAdminsAndLeft() {
    User alice = user("alice");
    User bob = user("bob");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    String general = conversation(alice, ws, "public", "general");
    conversation(alice, ws, "public", "random");
    put(conv(general) + "/members/" + bob.id, null, bob.token).ok(200);

    assertThat(api.patch(conv(general), Map.of("topic", "news"), bob.token).ok(200).json().path("topic").asText()).isEqualTo("news");
    api.patch(conv(general), Map.of("name", "renamed"), bob.token).problem(403, "conversation-admin-required");
    api.patch(conv(general), Map.of("archived", true), bob.token).problem(403, "conversation-admin-required");
    api.patch(conv(general), Map.of("name", "random"), alice.token).problem(409, "conversation-name-taken");
    api.patch(conv(general), Map.of("name", "Bad Name"), alice.token).problem(400, "invalid-input");
    JsonNode renamed = api.patch(conv(general), Map.of("name", "lobby"), alice.token).ok(200).json();
    assertThat(renamed.path("name").asText()).isEqualTo("lobby");
    assertThat(renamed.path("topic").asText()).isEqualTo("news");
    assertThat(api.get(conv(general), bob.token).ok(200).json().path("name").asText()).isEqualTo("lobby");

    api.delete(conv(general) + "/members/" + bob.id, bob.token).ok(204);
    assertThat(api.get(conv(general), bob.token).ok(200).json().path("member").asBoolean()).isFalse();
    api.delete(conv(general) + "/members/" + bob.id, bob.token).problem(404, "member-not-found");
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Messages
  // ---------------------------------------------------------------------------------------------

  @Test
  void sendingNumbersMessagesGaplesslyAndRetriesAreNoOps() {
    User alice = user("alice");
    User bob = user("bob");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    String c = conversation(alice, ws, "public", "general");
    put(conv(c) + "/members/" + bob.id, null, bob.token).ok(200);

    JsonNode first = send(alice, c, "hello", "c-1").ok(201).json();
    assertThat(first.path("id").isTextual()).isTrue();
    assertThat(first.path("conversationId").asText()).isEqualTo(c);
    assertThat(first.path("seq").isIntegralNumber()).isTrue();
    assertThat(first.path("seq").asLong()).isEqualTo(1);
    assertThat(first.path("userId").asText()).isEqualTo(alice.id);
    assertThat(first.path("body").asText()).isEqualTo("hello");
    assertThat(first.path("clientId").asText()).as("echoed to its sender").isEqualTo("c-1");
    assertInstant(first.path("createdAt"));
    assertAbsent(first, "editedAt");
    assertAbsent(first, "deletedAt");

    assertThat(send(alice, c, "second", null).ok(201).json().path("seq").asLong()).isEqualTo(2);
    assertThat(send(alice, c, "third", "c-3").ok(201).json().path("seq").asLong()).isEqualTo(3);

    // The retry answers 200 with the original message, whatever body it carries, and uses up no seq.
    JsonNode retried = send(alice, c, "hello, edited in the retry", "c-1").ok(200).json();
    assertThat(retried.path("id").asText()).isEqualTo(first.path("id").asText());
    assertThat(retried.path("seq").asLong()).isEqualTo(1);
    assertThat(retried.path("body").asText()).isEqualTo("hello");
    assertThat(retried.path("userId").asText()).isEqualTo(alice.id);

    // The same clientId from someone else is a different message.
    JsonNode bobs = send(bob, c, "hi alice", "c-1").ok(201).json();
    assertThat(bobs.path("id").asText()).isNotEqualTo(first.path("id").asText());
    assertThat(bobs.path("seq").asLong()).as("the retry used no seq").isEqualTo(4);
    assertThat(bobs.path("userId").asText()).isEqualTo(bob.id);

    JsonNode page = history(bob, c, "");
    assertThat(seqs(page)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(bodies(page)).containsExactly("hello", "second", "third", "hi alice");
    assertThat(page.path("hasMoreBefore").asBoolean()).isFalse();
    assertThat(page.path("hasMoreAfter").asBoolean()).isFalse();
    assertThat(page.path("messages").get(0).path("id").asText()).isEqualTo(first.path("id").asText());
    assertThat(page.path("messages").get(0).path("userId").asText()).isEqualTo(alice.id);
    assertThat(page.path("messages").get(0).path("conversationId").asText()).isEqualTo(c);
    assertAbsent(page.path("messages").get(0), "clientId");
    assertThat(api.get(conv(c), alice.token).ok(200).json().path("lastSeq").asLong()).isEqualTo(4);
  }

  @Test
  void historyPagesByKeysetInBothDirections() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    for (int i = 1; i <= 7; i++) {
      assertThat(send(alice, c, "m" + i, null).ok(201).json().path("seq").asLong()).isEqualTo(i);
    }

    assertPage(history(alice, c, "?limit=3"), List.of(5L, 6L, 7L), true, false);
    assertThat(bodies(history(alice, c, "?limit=3"))).containsExactly("m5", "m6", "m7");
    assertPage(history(alice, c, "?before=5&limit=3"), List.of(2L, 3L, 4L), true, true);
    assertPage(history(alice, c, "?before=2&limit=3"), List.of(1L), false, true);
    assertPage(history(alice, c, "?before=4&limit=3"), List.of(1L, 2L, 3L), false, true);
    assertPage(history(alice, c, "?after=0&limit=3"), List.of(1L, 2L, 3L), false, true);
    assertPage(history(alice, c, "?after=3&limit=3"), List.of(4L, 5L, 6L), true, true);
    assertPage(history(alice, c, "?after=4&limit=3"), List.of(5L, 6L, 7L), true, false);
    assertPage(history(alice, c, "?after=6&limit=3"), List.of(7L), true, false);
    assertPage(history(alice, c, "?around=4&limit=3"), List.of(3L, 4L, 5L), true, true);
    assertPage(history(alice, c, "?before=8&limit=200"), List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), false, false);
    assertPage(history(alice, c, ""), List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), false, false);
    assertPage(history(alice, c, "?limit=7"), List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), false, false);

    JsonNode end = history(alice, c, "?around=7&limit=3");
    assertThat(seqs(end)).contains(7L).last().isEqualTo(7L);
    assertThat(seqs(end)).isSorted();
    assertThat(end.path("hasMoreAfter").asBoolean()).isFalse();
    assertThat(seqs(history(alice, c, "?after=7&limit=3"))).isEmpty();
    assertThat(history(alice, c, "?after=7&limit=3").path("hasMoreAfter").asBoolean()).isFalse();
    assertThat(seqs(history(alice, c, "?before=1"))).isEmpty();
    assertThat(history(alice, c, "?before=1").path("hasMoreBefore").asBoolean()).isFalse();
  }

  @Test
  void authorsEditAndDeleteAndAdminsDeleteAnyMessage() {
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    addToWorkspace(alice, ws, carol, "member");
    String c = conversation(alice, ws, "public", "general");
    put(conv(c) + "/members/" + bob.id, null, bob.token).ok(200);

    JsonNode mine = send(alice, c, "first draft", null).ok(201).json();
    String mineId = mine.path("id").asText();
    JsonNode bobs = send(bob, c, "bob's words", null).ok(201).json();
    String bobsId = bobs.path("id").asText();

    JsonNode edited = api.patch(msg(c, mineId), Map.of("body", "final text"), alice.token).ok(200).json();
    assertThat(edited.path("id").asText()).isEqualTo(mineId);
    assertThat(edited.path("seq").asLong()).isEqualTo(1);
    assertThat(edited.path("body").asText()).isEqualTo("final text");
    assertThat(assertInstant(edited.path("editedAt"))).isAfterOrEqualTo(assertInstant(mine.path("createdAt")));
    api.patch(msg(c, mineId), Map.of("body", "bob was here"), bob.token).problem(403, "not-author");
    api.patch(msg(c, mineId), Map.of("body", " "), alice.token).problem(400, "invalid-input");

    JsonNode page = history(carol, c, "");
    assertThat(bodies(page)).containsExactly("final text", "bob's words");
    assertInstant(page.path("messages").get(0).path("editedAt"));
    assertAbsent(page.path("messages").get(1), "editedAt");

    // Bob may not delete alice's message; alice may.
    Api.Response notHis = api.delete(msg(c, mineId), bob.token);
    assertThat(notHis.status()).as("only the author or a workspace admin deletes: %s", notHis.body()).isEqualTo(403);
    api.delete(msg(c, mineId), alice.token).ok(204);
    page = history(bob, c, "");
    assertThat(seqs(page)).as("the tombstone keeps its seq").containsExactly(1L, 2L);
    JsonNode tombstone = page.path("messages").get(0);
    assertThat(tombstone.path("id").asText()).isEqualTo(mineId);
    assertThat(tombstone.has("body")).as("body is present as null").isTrue();
    assertThat(tombstone.path("body").isNull()).isTrue();
    assertInstant(tombstone.path("deletedAt"));
    assertThat(tombstone.path("userId").asText()).isEqualTo(alice.id);
    api.patch(msg(c, mineId), Map.of("body", "resurrected"), alice.token).problem(409, "message-deleted");
    assertThat(history(bob, c, "").path("messages").get(0).path("body").isNull()).isTrue();

    // A workspace admin (not in the conversation) removes bob's message.
    put(ws(ws) + "/members/" + carol.id, Map.of("role", "admin"), alice.token).ok(200);
    api.delete(msg(c, bobsId), carol.token).ok(204);
    JsonNode after = history(alice, c, "");
    assertThat(seqs(after)).containsExactly(1L, 2L);
    assertThat(after.path("messages").get(1).path("body").isNull()).isTrue();
    assertInstant(after.path("messages").get(1).path("deletedAt"));
    assertThat(api.get(conv(c), alice.token).ok(200).json().path("lastSeq").asLong()).isEqualTo(2);

    api.delete(msg(c, "123456789"), alice.token).problem(404, "message-not-found");
    api.patch(msg(c, "123456789"), Map.of("body", "x"), alice.token).problem(404, "message-not-found");
  }

  @Test
  void readingNeedsVisibilityAndWritingNeedsMembership() {
    User alice = user("alice");
    User carol = user("carol");
    User oscar = user("oscar");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, carol, "member");
    String general = conversation(alice, ws, "public", "general");
    String secret = conversation(alice, ws, "private", "secret");
    String mine = send(alice, general, "public words", null).ok(201).json().path("id").asText();
    send(alice, secret, "secret words", null).ok(201);

    // Carol is in the workspace but not in the conversation: she reads the public one but may not post.
    assertThat(bodies(history(carol, general, ""))).containsExactly("public words");
    send(carol, general, "let me in", null).problem(403, "not-a-member");
    send(carol, general, "let me in", "k-1").problem(403, "not-a-member");
    // Not the author and not a member: either reason is a 403 (the spec names not-author for edits).
    problemIn(api.patch(msg(general, mine), Map.of("body", "x"), carol.token), 403, "not-author", "not-a-member");
    Api.Response markRead = api.post(conv(general) + "/read", Map.of("seq", 1), carol.token);
    assertThat(markRead.status()).as("a non-member has no read state to move: %s", markRead.body()).isEqualTo(403);
    api.get(conv(secret) + "/messages", carol.token).problem(404, "conversation-not-found");
    send(carol, secret, "let me in", null).problem(404, "conversation-not-found");
    problemIn(api.patch(msg(secret, mine), Map.of("body", "x"), carol.token), 404, "conversation-not-found", "message-not-found");

    // Oscar is not in the workspace: everything is hidden.
    api.get(conv(general) + "/messages", oscar.token).problem(404, "conversation-not-found");
    send(oscar, general, "hello?", null).problem(404, "conversation-not-found");
    api.get(conv(secret) + "/messages", oscar.token).problem(404, "conversation-not-found");
    send(oscar, secret, "hello?", null).problem(404, "conversation-not-found");
    problemIn(api.patch(msg(general, mine), Map.of("body", "x"), oscar.token), 404, "conversation-not-found", "message-not-found");
    problemIn(api.delete(msg(general, mine), oscar.token), 404, "conversation-not-found", "message-not-found");
    api.post(conv(general) + "/read", Map.of("seq", 1), oscar.token).problem(404, "conversation-not-found");

    // After joining carol can post.
    put(conv(general) + "/members/" + carol.id, null, carol.token).ok(200);
    assertThat(send(carol, general, "in at last", null).ok(201).json().path("seq").asLong()).isEqualTo(2);
    assertThat(seqs(history(alice, general, ""))).containsExactly(1L, 2L);
    assertThat(seqs(history(alice, secret, ""))).containsExactly(1L);

    // An archived conversation keeps its history readable but takes no messages.
    JsonNode archived = api.patch(conv(general), Map.of("archived", true), alice.token).ok(200).json();
    assertThat(archived.path("archived").asBoolean()).isTrue();
    send(carol, general, "anyone?", null).problem(409, "conversation-archived");
    send(alice, general, "anyone?", "after-archive").problem(409, "conversation-archived");
    assertThat(seqs(history(carol, general, ""))).containsExactly(1L, 2L);
    assertThat(api.get(conv(general), carol.token).ok(200).json().path("archived").asBoolean()).isTrue();
    assertThat(api.patch(conv(general), Map.of("archived", false), alice.token).ok(200).json().path("archived").asBoolean()).isFalse();
    assertThat(send(carol, general, "back again", null).ok(201).json().path("seq").asLong()).isEqualTo(3);
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Concurrency
  // ---------------------------------------------------------------------------------------------

  @Test
  void concurrentSendersGetGaplessUniqueSequences() throws Exception {
    User alice = user("alice");
    User bob = user("bob");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    String c = conversation(alice, ws, "public", "general");
    put(conv(c) + "/members/" + bob.id, null, bob.token).ok(200);

    int threads = 8;
    int perThread = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<Api.Response>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        User sender = t % 2 == 0 ? alice : bob;
        int thread = t;
        futures.add(pool.submit(() -> {
          go.await();
          List<Api.Response> out = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            out.add(send(sender, c, "t" + thread + " m" + i, "t" + thread + "-" + i));
          }
          return out;
        }));
      }
      go.countDown();
      Set<Long> seqsSeen = new HashSet<>();
      Set<String> ids = new HashSet<>();
      for (Future<List<Api.Response>> f : futures) {
        for (Api.Response r : f.get(180, TimeUnit.SECONDS)) {
          r.ok(201);
          assertThat(seqsSeen.add(r.json().path("seq").asLong())).as("duplicate seq in %s", r.body()).isTrue();
          assertThat(ids.add(r.json().path("id").asText())).as("duplicate id in %s", r.body()).isTrue();
        }
      }
      List<Long> expected = LongStream.rangeClosed(1, threads * perThread).boxed().toList();
      assertThat(seqsSeen).containsExactlyInAnyOrderElementsOf(expected);

      JsonNode page = history(alice, c, "?limit=200");
      assertThat(seqs(page)).containsExactlyElementsOf(expected);
      assertThat(page.path("hasMoreBefore").asBoolean()).isFalse();
      assertThat(page.path("hasMoreAfter").asBoolean()).isFalse();
      Set<String> historyIds = new HashSet<>();
      page.path("messages").forEach(m -> historyIds.add(m.path("id").asText()));
      assertThat(historyIds).isEqualTo(ids);
      assertThat(api.get(conv(c), alice.token).ok(200).json().path("lastSeq").asLong()).isEqualTo(threads * perThread);
      assertPage(history(alice, c, ""), LongStream.rangeClosed(31, 80).boxed().toList(), true, false);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRetriesOfOneSendStoreOneMessage() throws Exception {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    send(alice, c, "before", null).ok(201);

    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Response>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          go.await();
          return send(alice, c, "only once", "same-key");
        }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      Set<Long> seqs = new HashSet<>();
      for (Future<Api.Response> f : futures) {
        Api.Response r = f.get(120, TimeUnit.SECONDS);
        assertThat(r.status()).as("status of %s", r.body()).isIn(200, 201);
        statuses.add(r.status());
        ids.add(r.json().path("id").asText());
        seqs.add(r.json().path("seq").asLong());
      }
      assertThat(statuses).as("one send creates, the others are retries").containsOnlyOnce(201);
      assertThat(ids).hasSize(1);
      assertThat(seqs).containsExactly(2L);

      JsonNode page = history(alice, c, "");
      assertThat(seqs(page)).containsExactly(1L, 2L);
      assertThat(bodies(page)).containsExactly("before", "only once");
      assertThat(page.path("messages").get(1).path("id").asText()).isEqualTo(ids.iterator().next());
      assertThat(send(alice, c, "next", null).ok(201).json().path("seq").asLong()).as("no seq was used up").isEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentIdenticalWorkspaceMemberPutsAllSucceed() throws Exception {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 4; round++) {
        User joiner = user("joiner" + round);
        // PUT is idempotent: eight identical adds at once all answer 200 and leave one membership.
        Map<Integer, Integer> statuses = race(pool, 8, () -> put(ws(ws) + "/members/" + joiner.id, Map.of("role", "member"), alice.token));
        assertThat(statuses).as("statuses of 8 concurrent PUT workspace members/%s", joiner.username).isEqualTo(Map.of(200, 8));
        assertThat(api.get(ws(ws), joiner.token).ok(200).json().path("role").asText()).isEqualTo("member");
      }
      assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json())).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentIdenticalConversationJoinsAllSucceed() throws Exception {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    List<User> joiners = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      User joiner = user("joiner" + round);
      addToWorkspace(alice, ws, joiner, "member");
      joiners.add(joiner);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (User joiner : joiners) {
        Map<Integer, Integer> statuses = race(pool, 8, () -> put(conv(c) + "/members/" + joiner.id, null, joiner.token));
        assertThat(statuses).as("statuses of 8 concurrent joins by %s", joiner.username).isEqualTo(Map.of(200, 8));
        assertThat(api.get(conv(c), joiner.token).ok(200).json().path("member").asBoolean()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Storage across time
  // ---------------------------------------------------------------------------------------------

  @Test
  void messagesAreStoredWhateverMonthTheyAreSentIn() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    String first = send(alice, c, "this month", null).ok(201).json().path("id").asText();
    List<Duration> jumps = List.of(Duration.ofDays(35), Duration.ofDays(200), Duration.ofDays(3 * 365));
    for (Duration jump : jumps) {
      clock.advance(jump);
      alice = login(alice);
      send(alice, c, "after " + jump.toDays() + " more days", "k-" + jump.toDays()).ok(201);
      send(alice, c, "retried", "k-" + jump.toDays()).ok(200);
    }
    assertThat(seqs(history(alice, c, ""))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(bodies(history(alice, c, "?before=3"))).containsExactly("this month", "after 35 more days");
    // Messages from long ago are still found by id.
    assertThat(api.patch(msg(c, first), Map.of("body", "edited years later"), alice.token).ok(200).json().path("body").asText())
        .isEqualTo("edited years later");
    api.delete(msg(c, first), alice.token).ok(204);
    assertThat(history(alice, c, "?limit=1&after=0").path("messages").get(0).path("body").isNull()).isTrue();
  }

  @Test
  void aBodyWithANulCharacterIsStoredOrRefusedButNeverFails() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    Api.Response r = send(alice, c, "a\u0000b", null);
    if (r.status() == 201) {
      assertThat(bodies(history(alice, c, ""))).containsExactly("a\u0000b");
    } else {
      r.problem(400, "invalid-input");
      assertThat(seqs(history(alice, c, ""))).isEmpty();
    }
    assertThat(send(alice, c, "fine", null).ok(201).json().path("seq").asLong()).isEqualTo(r.status() == 201 ? 2 : 1);
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Read state
  // ---------------------------------------------------------------------------------------------

  @Test
  void readStateMovesOnlyForwardAndIsClamped() {
    User alice = user("alice");
    User bob = user("bob");
    String ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    String c = conversation(alice, ws, "public", "general");
    put(conv(c) + "/members/" + bob.id, null, bob.token).ok(200);
    for (int i = 1; i <= 5; i++) {
      send(alice, c, "m" + i, null).ok(201);
    }

    assertReadState(bob, ws, c, 5, 0, 5);
    // The spec does not say whether sending marks one's own messages read; whatever it does,
    // the count must agree with the positions.
    JsonNode alices = byName(api.get(ws(ws) + "/conversations", alice.token).ok(200).json(), "general");
    assertThat(alices.path("lastSeq").asLong()).isEqualTo(5);
    assertThat(alices.path("lastReadSeq").asLong()).isIn(0L, 5L);
    assertThat(alices.path("unreadCount").asLong()).isEqualTo(5 - alices.path("lastReadSeq").asLong());

    api.post(conv(c) + "/read", Map.of("seq", 3), bob.token).ok(204);
    assertReadState(bob, ws, c, 5, 3, 2);
    api.post(conv(c) + "/read", Map.of("seq", 1), bob.token).ok(204);
    assertReadState(bob, ws, c, 5, 3, 2);
    api.post(conv(c) + "/read", Map.of("seq", 999), bob.token).ok(204);
    assertReadState(bob, ws, c, 5, 5, 0);

    send(alice, c, "m6", null).ok(201);
    assertReadState(bob, ws, c, 6, 5, 1);
    api.post(conv(c) + "/read", Map.of("seq", 0), bob.token).ok(204);
    assertReadState(bob, ws, c, 6, 5, 1);

    api.post(conv(c) + "/read", Map.of("seq", -1), bob.token).problem(400, "invalid-input");
    api.post(conv(c) + "/read", Map.of("seq", "abc"), bob.token).problem(400, "invalid-input");
    api.post(conv(c) + "/read", Map.of(), bob.token).problem(400, "invalid-input");
    assertReadState(bob, ws, c, 6, 5, 1);
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Bad input
  // ---------------------------------------------------------------------------------------------

  @Test
  void badMessagesAreRefusedAndStoreNothing() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    send(alice, c, "kept", null).ok(201);
    JsonNode before = history(alice, c, "");

    for (String body : List.of("", "   ", " \n\t ", "x".repeat(4001), "😀".repeat(4001))) {
      send(alice, c, body, null).problem(400, "invalid-input");
    }
    for (String clientId : List.of("", "has space", "k".repeat(65), "ünicode", "slash/no")) {
      send(alice, c, "fine body", clientId).problem(400, "invalid-input");
    }
    api.post(conv(c) + "/messages", Map.of("body", "hi", "extra", 1), alice.token).problem(400, "invalid-input");
    api.post(conv(c) + "/messages", Map.of("body", 42), alice.token).problem(400, "invalid-input");
    api.post(conv(c) + "/messages", Map.of("clientId", "only-key"), alice.token).problem(400, "invalid-input");
    api.raw("POST", conv(c) + "/messages", "application/json", "{\"body\":null}", alice.token).problem(400, "invalid-input");
    api.raw("POST", conv(c) + "/messages", "application/json", "{\"body\":", alice.token).problem(400, "malformed-json");
    api.raw("POST", conv(c) + "/messages", "application/json", "", alice.token).problem(400, "missing-body");
    assertThat(history(alice, c, "").toString()).as("nothing was stored").isEqualTo(before.toString());
    assertThat(api.get(conv(c), alice.token).ok(200).json().path("lastSeq").asLong()).isEqualTo(1);

    // The limits themselves are allowed; the body length counts code points, not UTF-16 units.
    assertThat(send(alice, c, "x".repeat(4000), "k".repeat(64)).ok(201).json().path("seq").asLong()).isEqualTo(2);
    assertThat(send(alice, c, "😀".repeat(4000), "A.b_c:d-9").ok(201).json().path("seq").asLong()).isEqualTo(3);
    assertThat(history(alice, c, "?after=2").path("messages").get(0).path("body").asText()).isEqualTo("😀".repeat(4000));
  }

  @Test
  void badHistoryQueriesAreInvalidInput() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    send(alice, c, "one", null).ok(201);
    for (String query : List.of("?limit=0", "?limit=201", "?limit=-5", "?limit=abc", "?before=-1", "?before=abc", "?after=-1",
        "?around=x", "?before=1&after=2", "?before=3&around=2", "?after=1&around=2", "?before=1.5",
        // Only ASCII digits are numbers on the wire (as for path ids): Arabic-Indic three, fullwidth one.
        "?before=%D9%A3", "?limit=%EF%BC%91")) {
      Api.Response r = api.get(conv(c) + "/messages" + query, alice.token);
      assertThat(r.status()).as("status for %s: %s", query, r.body()).isEqualTo(400);
      r.problem(400, "invalid-input");
    }
    assertPage(history(alice, c, "?limit=1"), List.of(1L), false, false);
    assertPage(history(alice, c, "?limit=200"), List.of(1L), false, false);
  }

  @Test
  void malformedAndForeignIdsAreNotFound() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c1 = conversation(alice, ws, "public", "general");
    String c2 = conversation(alice, ws, "public", "random");
    String m1 = send(alice, c1, "in general", null).ok(201).json().path("id").asText();
    String m2 = send(alice, c2, "in random", null).ok(201).json().path("id").asText();

    for (String bad : List.of("abc", "-1", "99999999999999999999999", "1.0", "0x10")) {
      hidden(api.get(ws(bad), alice.token), "workspace-not-found");
      hidden(api.get(ws(bad) + "/conversations", alice.token), "workspace-not-found");
      hidden(api.get(conv(bad), alice.token), "conversation-not-found");
      hidden(api.get(conv(bad) + "/messages", alice.token), "conversation-not-found");
      hidden(send(alice, bad, "x", null), "conversation-not-found");
      hidden(api.patch(msg(c1, bad), Map.of("body", "x"), alice.token), "message-not-found");
      hidden(api.delete(msg(c1, bad), alice.token), "message-not-found");
    }
    api.get(ws("123456789"), alice.token).problem(404, "workspace-not-found");
    api.get(conv("123456789"), alice.token).problem(404, "conversation-not-found");
    api.get(conv("123456789") + "/messages", alice.token).problem(404, "conversation-not-found");
    send(alice, "123456789", "x", null).problem(404, "conversation-not-found");
    // A conversation id is not a workspace id and the other way round.
    api.get(ws(c1), alice.token).problem(404, "workspace-not-found");
    api.get(conv(ws), alice.token).problem(404, "conversation-not-found");

    // A message id from another conversation is not found in this one.
    api.patch(msg(c1, m2), Map.of("body", "moved"), alice.token).problem(404, "message-not-found");
    api.delete(msg(c1, m2), alice.token).problem(404, "message-not-found");
    api.delete(msg(c2, m1), alice.token).problem(404, "message-not-found");
    assertThat(bodies(history(alice, c1, ""))).containsExactly("in general");
    assertThat(bodies(history(alice, c2, ""))).containsExactly("in random");
  }

  @Test
  void badWorkspaceAndMemberInputIsRefused() {
    User alice = user("alice");
    User bob = user("bob");
    api.post(WORKSPACES, Map.of("name", ""), alice.token).problem(400, "invalid-input");
    api.post(WORKSPACES, Map.of("name", "w".repeat(81)), alice.token).problem(400, "invalid-input");
    api.post(WORKSPACES, Map.of(), alice.token).problem(400, "invalid-input");
    api.post(WORKSPACES, Map.of("name", "Acme", "owner", bob.id), alice.token).problem(400, "invalid-input");
    assertThat(api.get(WORKSPACES, alice.token).ok(200).json().path("workspaces")).isEmpty();
    String ws = api.post(WORKSPACES, Map.of("name", "w".repeat(80)), alice.token).ok(201).json().path("id").asText();

    put(ws(ws) + "/members/" + bob.id, Map.of("role", "superuser"), alice.token).problem(400, "invalid-input");
    put(ws(ws) + "/members/" + bob.id, Map.of("role", "member", "x", 1), alice.token).problem(400, "invalid-input");
    api.get(ws(ws), bob.token).problem(404, "workspace-not-found");
    hidden(put(ws(ws) + "/members/abc", Map.of("role", "member"), alice.token), "user-not-found");
    assertThat(roles(api.get(ws(ws) + "/members", alice.token).ok(200).json()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("alice", "owner"));
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Scopes
  // ---------------------------------------------------------------------------------------------

  @Test
  void apiTokensNeedChatScopes() {
    User alice = user("alice");
    String ws = workspace(alice, "Acme");
    String c = conversation(alice, ws, "public", "general");
    send(alice, c, "hello", null).ok(201);
    String reader = apiToken(alice, "chat:read");
    String writer = apiToken(alice, "chat:write");
    String usersOnly = apiToken(alice, "users:read");

    assertThat(bodies(history(new User(alice.id, reader, "alice"), c, ""))).containsExactly("hello");
    assertThat(api.get(WORKSPACES, reader).ok(200).json().path("workspaces")).hasSize(1);
    api.get(conv(c), reader).ok(200);
    send(new User(alice.id, reader, "alice"), c, "nope", null).problem(403, "insufficient-scope");
    send(new User(alice.id, reader, "alice"), c, "nope", "retry-key").problem(403, "insufficient-scope");
    api.post(WORKSPACES, Map.of("name", "Other"), reader).problem(403, "insufficient-scope");
    api.post(ws(ws) + "/conversations", Map.of("kind", "public", "name", "nope"), reader).problem(403, "insufficient-scope");
    api.post(conv(c) + "/read", Map.of("seq", 1), reader).problem(403, "insufficient-scope");

    api.get(conv(c) + "/messages", usersOnly).problem(403, "insufficient-scope");
    api.get(WORKSPACES, usersOnly).problem(403, "insufficient-scope");
    api.get(conv(c) + "/messages", writer).problem(403, "insufficient-scope");
    assertThat(send(new User(alice.id, writer, "alice"), c, "written by a token", null).ok(201).json().path("seq").asLong())
        .isEqualTo(2);
    assertThat(bodies(history(alice, c, ""))).containsExactly("hello", "written by a token");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------


  /** Runs the request on n threads at once and counts the response statuses. */
  private static Map<Integer, Integer> race(ExecutorService pool, int n, java.util.concurrent.Callable<Api.Response> request)
      throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Api.Response>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        go.await();
        return request.call();
      }));
    }
    go.countDown();
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<Api.Response> f : futures) {
      statuses.merge(f.get(120, TimeUnit.SECONDS).status(), 1, Integer::sum);
    }
    return statuses;
  }

  private static String msg(String conversationId, String messageId) {
    return conv(conversationId) + "/messages/" + messageId;
  }

  private String conversation(User by, String ws, String kind, String name) {
    return api.post(ws(ws) + "/conversations", Map.of("kind", kind, "name", name), by.token).ok(201).json().path("id").asText();
  }

  private JsonNode history(User by, String conversationId, String query) {
    JsonNode page = api.get(conv(conversationId) + "/messages" + query, by.token).ok(200).json();
    assertThat(page.path("messages").isArray()).as("messages in %s", page).isTrue();
    assertThat(page.path("hasMoreBefore").isBoolean()).as("hasMoreBefore in %s", page).isTrue();
    assertThat(page.path("hasMoreAfter").isBoolean()).as("hasMoreAfter in %s", page).isTrue();
    return page;
  }

  private static List<Long> seqs(JsonNode page) {
    List<Long> out = new ArrayList<>();
    page.path("messages").forEach(m -> out.add(m.path("seq").asLong()));
    return out;
  }

  private static void assertPage(JsonNode page, List<Long> expectedSeqs, boolean hasMoreBefore, boolean hasMoreAfter) {
    assertThat(seqs(page)).as("seqs of %s", page).containsExactlyElementsOf(expectedSeqs);
    assertThat(page.path("hasMoreBefore").asBoolean()).as("hasMoreBefore of %s", page).isEqualTo(hasMoreBefore);
    assertThat(page.path("hasMoreAfter").asBoolean()).as("hasMoreAfter of %s", page).isEqualTo(hasMoreAfter);
  }

  private static List<String> names(JsonNode conversationList) {
    List<String> out = new ArrayList<>();
    conversationList.path("conversations").forEach(c -> out.add(c.path("name").asText()));
    return out;
  }

  private static JsonNode byName(JsonNode conversationList, String name) {
    for (JsonNode c : conversationList.path("conversations")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no conversation " + name + " in " + conversationList);
  }

  private void assertReadState(User who, String ws, String c, long lastSeq, long lastReadSeq, long unread) {
    JsonNode listed = byName(api.get(ws(ws) + "/conversations", who.token).ok(200).json(), "general");
    JsonNode single = api.get(conv(c), who.token).ok(200).json();
    for (JsonNode view : List.of(listed, single)) {
      assertThat(view.path("member").asBoolean()).as("member in %s", view).isTrue();
      assertThat(view.path("lastSeq").asLong()).as("lastSeq in %s", view).isEqualTo(lastSeq);
      assertThat(view.path("lastReadSeq").asLong()).as("lastReadSeq in %s", view).isEqualTo(lastReadSeq);
      assertThat(view.path("unreadCount").asLong()).as("unreadCount in %s", view).isEqualTo(unread);
    }
  }

  /** 404 for something the caller may not see; a malformed id may carry the generic code. */
  private static void hidden(Api.Response r, String specificCode) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(404);
    r.problem(404, r.code().equals("not-found") ? "not-found" : specificCode);
  }

  /** A problem with this status and one of these codes (where the spec leaves the code open). */
  private static void problemIn(Api.Response r, int status, String... codes) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.code()).as("problem code of %s", r.body()).isIn((Object[]) codes);
    r.problem(status, r.code());
  }

  private static void assertAbsent(JsonNode message, String field) {
    assertThat(message.path(field).isMissingNode() || message.path(field).isNull()).as("%s absent in %s", field, message).isTrue();
  }

  @Test
  void ownersTransferOwnershipAndTheLastOwnerCannotBeDemoted() {
    User alice = user("alice");
    User bob = user("bob");
    String ws = api.post(WORKSPACES, Map.of("name", "Acme"), alice.token).ok(201).json().path("id").asText();
    put(ws(ws) + "/members/" + alice.id, Map.of("role", "admin"), alice.token).problem(409, "last-owner");
    put(ws(ws) + "/members/" + bob.id, Map.of("role", "admin"), alice.token).ok(200);
    // An admin cannot make owners.
    put(ws(ws) + "/members/" + bob.id, Map.of("role", "owner"), bob.token).problem(403, "workspace-admin-required");
    assertThat(put(ws(ws) + "/members/" + bob.id, Map.of("role", "owner"), alice.token).ok(200).json().path("role").asText())
        .isEqualTo("owner");
    // With a second owner, the first may step down and leave.
    put(ws(ws) + "/members/" + alice.id, Map.of("role", "member"), alice.token).ok(200);
    api.delete(ws(ws) + "/members/" + alice.id, alice.token).ok(204);
    assertThat(api.get(ws(ws), bob.token).ok(200).json().path("role").asText()).isEqualTo("owner");
  }
}
