package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chat caches serve repeated reads, never serve stale data after a write, and report hit rates. */
class ChatCachingIT {
  private static double counter(String metrics, String cache, String result) {
    Matcher m = Pattern.compile("cache_gets_total\\{cache=\"" + cache + "\",(?:[^}]*,)?result=\"" + result + "\"[^}]*} ([0-9.E]+)")
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void repeatedReadsHitAndWritesInvalidate() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).start()) {
      Api api = server.api();
      String alice = api.register("alice", "correct horse").path("accessToken").asText();
      JsonNode b = api.register("bob", "battery staple");
      String bob = b.path("accessToken").asText();
      String bobId = b.path("user").path("id").asText();
      String ws = api.post("/api/v1/workspaces", Map.of("name", "Acme"), alice).ok(201).json().path("id").asText();
      api.raw("PUT", "/api/v1/workspaces/" + ws + "/members/" + bobId, "application/json", "{\"role\":\"member\"}", alice).ok(200);
      String conv = api.post("/api/v1/workspaces/" + ws + "/conversations", Map.of("kind", "public", "name", "general"), alice)
          .ok(201).json().path("id").asText();
      String history = "/api/v1/conversations/" + conv + "/messages";
      String first = api.post(history, Map.of("body", "first draft"), alice).ok(201).json().path("id").asText();

      for (int i = 0; i < 20; i++) {
        assertThat(api.get(history, alice).ok(200).json().path("messages").get(0).path("body").asText()).isEqualTo("first draft");
      }
      String metrics = api.get("/metrics").body();
      assertThat(counter(metrics, "chat-messages", "hit")).isGreaterThanOrEqualTo(19);
      assertThat(counter(metrics, "conversation-memberships", "hit")).isPositive();
      assertThat(counter(metrics, "workspace-memberships", "hit")).isPositive();

      // An edit, a delete and a new message are visible on the very next read.
      api.patch(history + "/" + first, Map.of("body", "final wording"), alice).ok(200);
      assertThat(api.get(history, alice).json().path("messages").get(0).path("body").asText()).isEqualTo("final wording");
      api.post(history, Map.of("body", "second"), alice).ok(201);
      assertThat(api.get(history, alice).json().path("messages")).hasSize(2);
      api.delete(history + "/" + first, alice).ok(204);
      assertThat(api.get(history, alice).json().path("messages").get(0).path("body").isNull()).isTrue();

      // Membership changes apply at once: bob joins, reads; is removed from the workspace, is refused.
      api.raw("PUT", "/api/v1/conversations/" + conv + "/members/" + bobId, null, "", bob).ok(200);
      api.post(history, Map.of("body", "hi"), bob).ok(201);
      api.post("/api/v1/conversations/" + conv + "/read", Map.of("seq", 3), bob).ok(204);
      assertThat(api.get("/api/v1/conversations/" + conv, bob).json().path("lastReadSeq").asLong()).isEqualTo(3);
      api.delete("/api/v1/workspaces/" + ws + "/members/" + bobId, alice).ok(204);
      api.get(history, bob).problem(404, "conversation-not-found");
      api.post(history, Map.of("body", "still here?"), bob).problem(404, "conversation-not-found");
    }
  }
}
