package io.ultrachat.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The smallest shared chat, set up over the public API: Alice registers and creates workspace
 * "Acme" with public channel "general"; Bob registers, is added to the workspace as a member and
 * joins the channel.
 *
 * @param alice Alice's access token
 * @param bob Bob's access token
 */
public record TwoMembers(String alice, String aliceId, String bob, String bobId, String workspace, String conversation) {
  public static TwoMembers in(Api api) {
    return in(api, api);
  }

  /** The same, with Alice's calls going to one node and Bob's to another (of one cluster). */
  public static TwoMembers in(Api alicesNode, Api bobsNode) {
    JsonNode a = alicesNode.register("alice", "correct horse");
    JsonNode b = bobsNode.register("bob", "battery staple");
    String alice = a.path("accessToken").asText();
    String bob = b.path("accessToken").asText();
    String bobId = b.path("user").path("id").asText();
    String ws = alicesNode.post("/api/v1/workspaces", Map.of("name", "Acme"), alice).ok(201).json().path("id").asText();
    alicesNode.raw("PUT", "/api/v1/workspaces/" + ws + "/members/" + bobId, "application/json", "{\"role\":\"member\"}", alice)
        .ok(200);
    String conv = alicesNode.post("/api/v1/workspaces/" + ws + "/conversations", Map.of("kind", "public", "name", "general"), alice)
        .ok(201).json().path("id").asText();
    bobsNode.raw("PUT", "/api/v1/conversations/" + conv + "/members/" + bobId, null, "", bob).ok(200);
    return new TwoMembers(alice, a.path("user").path("id").asText(), bob, bobId, ws, conv);
  }
}
