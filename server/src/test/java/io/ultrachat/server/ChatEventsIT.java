package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chat changes are published on the bus after commit, once each, with their sequence numbers. */
class ChatEventsIT {
  @Test
  void chatChangesArePublishedInOrderWithSequenceNumbers() throws Exception {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).start()) {
      Api api = server.api();
      List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
      List<String> subjects = Collections.synchronizedList(new ArrayList<>());
      server.server().bus().subscribe("chat.>", m -> {
        subjects.add(m.subject());
        try {
          events.add(Json.mapper().readTree(m.payload()));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      });
      TwoMembers chat = TwoMembers.in(api);
      String a = chat.alice();
      String b = chat.bob();
      String bobId = chat.bobId();
      String aliceId = chat.aliceId();
      String conv = chat.conversation();
      String first = api.post("/api/v1/conversations/" + conv + "/messages", Map.of("body", "hello", "clientId", "c1"), a)
          .ok(201).json().path("id").asText();
      api.post("/api/v1/conversations/" + conv + "/messages", Map.of("body", "hello", "clientId", "c1"), a).ok(200); // replay
      api.post("/api/v1/conversations/" + conv + "/messages", Map.of("body", "hi alice"), b).ok(201);
      api.patch("/api/v1/conversations/" + conv + "/messages/" + first, Map.of("body", "hello, all"), a).ok(200);
      api.delete("/api/v1/conversations/" + conv + "/messages/" + first, a).ok(204);
      api.post("/api/v1/conversations/" + conv + "/read", Map.of("seq", 2), b).ok(204);

      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 9);
      Thread.sleep(200); // nothing more should arrive
      assertThat(events).hasSize(9);
      List<JsonNode> inConversation = new ArrayList<>();
      List<JsonNode> toBob = new ArrayList<>();
      List<JsonNode> toAlice = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        String subject = subjects.get(i);
        (subject.equals("chat.conversation." + conv) ? inConversation : subject.equals("chat.user." + bobId) ? toBob : toAlice)
            .add(events.get(i));
        assertThat(subject).isIn("chat.conversation." + conv, "chat.user." + bobId, "chat.user." + aliceId);
      }
      // The creator joins first, so her open connections follow the new channel at once.
      assertThat(toAlice).extracting(e -> e.path("type").asText()).containsExactly("member.joined");
      assertThat(inConversation).extracting(e -> e.path("type").asText())
          .containsExactly("member.joined", "member.joined", "message.created", "message.created", "message.edited", "message.deleted");
      assertThat(inConversation.get(0).path("userId").asText()).isEqualTo(aliceId);
      assertThat(inConversation.get(2).path("seq").asLong()).isEqualTo(1);
      assertThat(inConversation.get(3).path("seq").asLong()).isEqualTo(2);
      assertThat(inConversation.get(3).path("message").path("body").asText()).isEqualTo("hi alice");
      assertThat(inConversation.get(5).path("message").path("body").isNull()).isTrue();
      // Bob's own subject tells his connections to follow the conversation, and carries his read mark.
      assertThat(toBob).extracting(e -> e.path("type").asText()).containsExactly("member.joined", "read.updated");
      assertThat(toBob.get(1).path("lastReadSeq").asLong()).isEqualTo(2);
    }
  }
}
