package io.ultrachat.chat.message;

import io.ultrachat.chat.ChatViews.MessageJson;
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

/** Reactions on messages and pinned messages of a conversation. */
public final class ReactionPinRoutes implements ServiceEndpoints {
  private final ReactionPinService service;
  private final MessageService messages;

  public ReactionPinRoutes(ReactionPinService service, MessageService messages) {
    this.service = service;
    this.messages = messages;
  }

  @Override
  public List<Endpoint> endpoints() {
    Access read = Access.scoped(Scopes.CHAT_READ);
    Access write = Access.scoped(Scopes.CHAT_WRITE);
    String reaction = "/api/v1/conversations/{conversationId}/messages/{messageId}/reactions/{emoji}";
    String pins = "/api/v1/conversations/{conversationId}/pins";
    return List.of(
        Endpoint.of(HttpMethod.PUT, reaction, write,
            r -> ok(r, service.react(actor(r), conversationId(r), messageId(r), r.pathParam("emoji")))),
        Endpoint.of(HttpMethod.DELETE, reaction, write, r -> {
          service.unreact(actor(r), conversationId(r), messageId(r), r.pathParam("emoji"));
          return ApiResponse.noContent();
        }),
        Endpoint.of(HttpMethod.GET, pins, read, r -> ApiResponse.ok(Map.of("messages",
            messages.json(actor(r), conversationId(r), service.pins(actor(r), conversationId(r)))))),
        Endpoint.of(HttpMethod.PUT, pins + "/{messageId}", write, r -> ok(r, service.pin(actor(r), conversationId(r), messageId(r)))),
        Endpoint.of(HttpMethod.DELETE, pins + "/{messageId}", write, r -> {
          service.unpin(actor(r), conversationId(r), messageId(r));
          return ApiResponse.noContent();
        }));
  }

  private ApiResponse ok(ApiRequest r, Message m) {
    return ApiResponse.ok(MessageJson.of(m, messages.extras(actor(r), m)));
  }

  private static long actor(ApiRequest r) {
    return r.requirePrincipal().userId();
  }

  private static long conversationId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("conversationId"), "conversation");
  }

  private static long messageId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("messageId"), "message");
  }
}
