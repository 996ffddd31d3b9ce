package io.ultrachat.realtime.presence;

import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Presence over REST: who in a workspace is online or away, for a client that just connected. */
public final class PresenceRoutes implements ServiceEndpoints {
  private final Presence presence;

  public PresenceRoutes(Presence presence) {
    this.presence = presence;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of(HttpMethod.GET, "/api/v1/workspaces/{workspaceId}/presence", Access.scoped(Scopes.CHAT_READ), r -> {
      long workspaceId = Ids.parsePathId(r.pathParam("workspaceId"), "workspace");
      Map<String, String> users = new LinkedHashMap<>();
      presence.inWorkspace(r.requirePrincipal().userId(), workspaceId).forEach((id, s) -> users.put(Long.toString(id), s.wire()));
      return ApiResponse.ok(Map.of("users", users));
    }));
  }
}
