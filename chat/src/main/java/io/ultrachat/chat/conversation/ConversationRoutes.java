package io.ultrachat.chat.conversation;

import io.ultrachat.chat.ChatViews.ConversationJson;
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

/** Channels and direct conversations, their members and read marks. */
public final class ConversationRoutes implements ServiceEndpoints {
  record CreateConversationRequest(String kind, String name, String topic) {}

  record OpenDirectRequest(List<String> userIds) {}

  record UpdateConversationRequest(String name, String topic, Boolean archived) {}

  record MarkReadRequest(Long seq) {}

  private final ConversationService conversations;

  public ConversationRoutes(ConversationService conversations) {
    this.conversations = conversations;
  }

  @Override
  public List<Endpoint> endpoints() {
    Access read = Access.scoped(Scopes.CHAT_READ);
    Access write = Access.scoped(Scopes.CHAT_WRITE);
    return List.of(
        Endpoint.of(HttpMethod.POST, "/api/v1/workspaces/{workspaceId}/conversations", write, this::create),
        Endpoint.of(HttpMethod.POST, "/api/v1/workspaces/{workspaceId}/dms", write, this::openDirect),
        Endpoint.of(HttpMethod.GET, "/api/v1/workspaces/{workspaceId}/conversations", read, r -> ApiResponse.ok(Map.of("conversations",
            conversations.list(actor(r), Ids.parsePathId(r.pathParam("workspaceId"), "workspace")).stream()
                .map(ConversationJson::of).toList()))),
        Endpoint.of(HttpMethod.GET, "/api/v1/conversations/{conversationId}", read,
            r -> ApiResponse.ok(ConversationJson.of(conversations.show(actor(r), conversationId(r))))),
        Endpoint.of(HttpMethod.PATCH, "/api/v1/conversations/{conversationId}", write, this::update),
        Endpoint.of(HttpMethod.PUT, "/api/v1/conversations/{conversationId}/members/{userId}", write,
            r -> ApiResponse.ok(ConversationJson.of(conversations.putMember(actor(r), conversationId(r), userId(r))))),
        Endpoint.of(HttpMethod.DELETE, "/api/v1/conversations/{conversationId}/members/{userId}", write, r -> {
          conversations.removeMember(actor(r), conversationId(r), userId(r));
          return ApiResponse.noContent();
        }),
        Endpoint.of(HttpMethod.POST, "/api/v1/conversations/{conversationId}/read", write, r -> {
          MarkReadRequest body = r.body(MarkReadRequest.class);
          if (body.seq() == null) {
            throw InvalidInput.field("seq", "is required");
          }
          conversations.markRead(actor(r), conversationId(r), body.seq());
          return ApiResponse.noContent();
        }));
  }

  private ApiResponse create(ApiRequest r) {
    CreateConversationRequest body = r.body(CreateConversationRequest.class);
    long workspaceId = Ids.parsePathId(r.pathParam("workspaceId"), "workspace");
    return ApiResponse.created(ConversationJson.of(
        conversations.create(actor(r), workspaceId, body.kind(), body.name(), Optional.ofNullable(body.topic()))));
  }

  /** 201 when the conversation was created, 200 when it already existed. */
  private ApiResponse openDirect(ApiRequest r) {
    long workspaceId = Ids.parsePathId(r.pathParam("workspaceId"), "workspace");
    OpenDirectRequest body = r.body(OpenDirectRequest.class);
    ConversationService.OpenedDirect opened = conversations.openDirect(actor(r), workspaceId, body.userIds());
    ConversationJson json = ConversationJson.of(opened.view());
    return opened.created() ? ApiResponse.created(json) : ApiResponse.ok(json);
  }

  private ApiResponse update(ApiRequest r) {
    UpdateConversationRequest body = r.body(UpdateConversationRequest.class);
    return ApiResponse.ok(ConversationJson.of(conversations.update(actor(r), conversationId(r), Optional.ofNullable(body.name()),
        Optional.ofNullable(body.topic()), Optional.ofNullable(body.archived()))));
  }

  private static long actor(ApiRequest r) {
    return r.requirePrincipal().userId();
  }

  private static long conversationId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("conversationId"), "conversation");
  }

  private static long userId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("userId"), "user");
  }
}
