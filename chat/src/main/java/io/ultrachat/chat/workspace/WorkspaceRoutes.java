package io.ultrachat.chat.workspace;

import io.ultrachat.chat.ChatViews.MemberJson;
import io.ultrachat.chat.ChatViews.WorkspaceJson;
import io.ultrachat.kernel.error.InvalidInput;
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

/** Workspaces and their members. */
public final class WorkspaceRoutes implements ServiceEndpoints {
  record CreateWorkspaceRequest(String name) {}

  record PutMemberRequest(String role) {}

  /**
   * The PATCH body. A class with setters rather than a record, because an absent
   * {@code retentionDays} (leave it) must be told apart from {@code null} (keep messages forever).
   */
  static final class UpdateWorkspaceRequest {
    private Optional<String> name = Optional.empty();
    private boolean nameNull;
    private Optional<Optional<Long>> retentionDays = Optional.empty();

    public void setName(String name) {
      this.nameNull = name == null;
      this.name = Optional.ofNullable(name);
    }

    public void setRetentionDays(Long retentionDays) {
      this.retentionDays = Optional.of(Optional.ofNullable(retentionDays));
    }
  }

  private final WorkspaceService workspaces;

  public WorkspaceRoutes(WorkspaceService workspaces) {
    this.workspaces = workspaces;
  }

  @Override
  public List<Endpoint> endpoints() {
    Access read = Access.scoped(Scopes.CHAT_READ);
    Access write = Access.scoped(Scopes.CHAT_WRITE);
    return List.of(
        Endpoint.of(HttpMethod.POST, "/api/v1/workspaces", write, r -> ApiResponse.created(
            WorkspaceJson.of(workspaces.create(r.requirePrincipal().userId(), r.body(CreateWorkspaceRequest.class).name())))),
        Endpoint.of(HttpMethod.GET, "/api/v1/workspaces", read, r -> ApiResponse.ok(Map.of("workspaces",
            workspaces.list(r.requirePrincipal().userId()).stream().map(WorkspaceJson::of).toList()))),
        Endpoint.of(HttpMethod.GET, "/api/v1/workspaces/{workspaceId}", read,
            r -> ApiResponse.ok(WorkspaceJson.of(workspaces.get(r.requirePrincipal().userId(), workspaceId(r))))),
        Endpoint.of(HttpMethod.PATCH, "/api/v1/workspaces/{workspaceId}", write, this::update),
        Endpoint.of(HttpMethod.GET, "/api/v1/workspaces/{workspaceId}/members", read, r -> ApiResponse.ok(Map.of("members",
            workspaces.members(r.requirePrincipal().userId(), workspaceId(r)).stream().map(MemberJson::of).toList()))),
        Endpoint.of(HttpMethod.PUT, "/api/v1/workspaces/{workspaceId}/members/{userId}", write, this::putMember),
        Endpoint.of(HttpMethod.DELETE, "/api/v1/workspaces/{workspaceId}/members/{userId}", write, r -> {
          workspaces.removeMember(r.requirePrincipal().userId(), workspaceId(r), userId(r));
          return ApiResponse.noContent();
        }));
  }

  private ApiResponse update(ApiRequest r) {
    UpdateWorkspaceRequest body = r.body(UpdateWorkspaceRequest.class);
    if (body.nameNull) {
      throw InvalidInput.field("name", "must not be null");
    }
    return ApiResponse.ok(WorkspaceJson.of(workspaces.update(r.requirePrincipal().userId(), workspaceId(r), body.name,
        body.retentionDays)));
  }

  private ApiResponse putMember(ApiRequest r) {
    String role = r.body(PutMemberRequest.class).role();
    Role parsed = switch (role == null ? "" : role) {
      case "owner" -> Role.OWNER;
      case "admin" -> Role.ADMIN;
      case "member" -> Role.MEMBER;
      case "guest" -> Role.GUEST;
      default -> throw InvalidInput.field("role", "must be owner, admin, member or guest");
    };
    return ApiResponse.ok(MemberJson.of(workspaces.putMember(r.requirePrincipal().userId(), workspaceId(r), userId(r), parsed)));
  }

  private static long workspaceId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("workspaceId"), "workspace");
  }

  private static long userId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("userId"), "user");
  }
}
