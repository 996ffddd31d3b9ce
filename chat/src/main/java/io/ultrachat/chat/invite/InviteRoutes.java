package io.ultrachat.chat.invite;

import io.ultrachat.chat.ChatViews.InviteJson;
import io.ultrachat.chat.ChatViews.WorkspaceJson;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Workspace invites: create, list, revoke, and accept by token. */
public final class InviteRoutes implements ServiceEndpoints {
  record CreateInviteRequest(String role, Long expiresInHours, Long maxUses) {}

  record AcceptInviteRequest(String token) {}

  private final InviteService invites;

  public InviteRoutes(InviteService invites) {
    this.invites = invites;
  }

  @Override
  public List<Endpoint> endpoints() {
    Access read = Access.scoped(Scopes.CHAT_READ);
    Access write = Access.scoped(Scopes.CHAT_WRITE);
    String base = "/api/v1/workspaces/{workspaceId}/invites";
    return List.of(
        Endpoint.of(HttpMethod.POST, base, write, this::create),
        Endpoint.of(HttpMethod.GET, base, read, r -> ApiResponse.ok(Map.of("invites",
            invites.list(actor(r), workspaceId(r)).stream().map(InviteJson::of).toList()))),
        Endpoint.of(HttpMethod.DELETE, base + "/{inviteId}", write, r -> {
          invites.revoke(actor(r), workspaceId(r), Ids.parsePathId(r.pathParam("inviteId"), "invite"));
          return ApiResponse.noContent();
        }),
        Endpoint.of(HttpMethod.POST, "/api/v1/invites/accept", write, r -> ApiResponse.ok(
            WorkspaceJson.of(invites.accept(actor(r), r.body(AcceptInviteRequest.class).token())))));
  }

  /** The body is optional: without one, the invite gets the defaults. */
  private ApiResponse create(ApiRequest r) {
    CreateInviteRequest body = r.optionalBody(CreateInviteRequest.class).orElse(new CreateInviteRequest(null, null, null));
    InviteService.NewInvite created = invites.create(actor(r), workspaceId(r), Optional.ofNullable(body.role()),
        Optional.ofNullable(body.expiresInHours()), Optional.ofNullable(body.maxUses()));
    return ApiResponse.created(InviteJson.of(created.invite(), Optional.of(created.token())));
  }

  private static long actor(ApiRequest r) {
    return r.requirePrincipal().userId();
  }

  private static long workspaceId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("workspaceId"), "workspace");
  }
}
