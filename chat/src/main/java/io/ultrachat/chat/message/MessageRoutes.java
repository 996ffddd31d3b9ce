package io.ultrachat.chat.message;

import io.ultrachat.chat.ChatViews.MessageJson;
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

/** Messages of a conversation: send (idempotent with a client id; a reply with a thread root), history, one message, its thread, edit, delete. */
public final class MessageRoutes implements ServiceEndpoints {
  record SendMessageRequest(String body, String clientId, String threadRootId, List<String> attachmentIds) {}

  record EditMessageRequest(String body) {}

  private final MessageService messages;

  public MessageRoutes(MessageService messages) {
    this.messages = messages;
  }

  @Override
  public List<Endpoint> endpoints() {
    Access read = Access.scoped(Scopes.CHAT_READ);
    Access write = Access.scoped(Scopes.CHAT_WRITE);
    String base = "/api/v1/conversations/{conversationId}/messages";
    return List.of(
        Endpoint.of(HttpMethod.POST, base, write, this::send),
        Endpoint.of(HttpMethod.GET, base, read, this::history),
        Endpoint.of(HttpMethod.GET, base + "/{messageId}/thread", read, this::thread),
        Endpoint.of(HttpMethod.GET, base + "/{messageId}", read, r -> {
          Message m = messages.find(actor(r), conversationId(r), messageId(r));
          return ApiResponse.ok(MessageJson.of(m, messages.extras(actor(r), m)));
        }),
        Endpoint.of(HttpMethod.PATCH, base + "/{messageId}", write, r -> {
          Message m = messages.edit(actor(r), conversationId(r), messageId(r), r.body(EditMessageRequest.class).body());
          return ApiResponse.ok(MessageJson.of(m, messages.extras(actor(r), m)));
        }),
        Endpoint.of(HttpMethod.DELETE, base + "/{messageId}", write, r -> {
          messages.delete(actor(r), conversationId(r), messageId(r));
          return ApiResponse.noContent();
        }));
  }

  private ApiResponse send(ApiRequest r) {
    SendMessageRequest body = r.body(SendMessageRequest.class);
    Optional<String> clientId = Optional.ofNullable(body.clientId());
    Optional<Long> threadRootId = Optional.ofNullable(body.threadRootId()).map(MessageRoutes::threadRootId);
    MessageStore.Appended appended = messages.send(actor(r), conversationId(r), body.body(), clientId, threadRootId,
        attachmentIds(body.attachmentIds()));
    MessageJson json = MessageJson.of(appended.message(), clientId, messages.extras(actor(r), appended.message()));
    return appended.replayed() ? ApiResponse.ok(json) : ApiResponse.created(json);
  }

  /** The ids of {@code attachmentIds}, in order; at most a few more than allowed are parsed, the service refuses the count. */
  private static List<Long> attachmentIds(List<String> raw) {
    if (raw == null) {
      return List.of();
    }
    List<Long> out = new java.util.ArrayList<>();
    for (int i = 0; i < raw.size() && i <= io.ultrachat.chat.attachment.AttachmentService.PER_MESSAGE_MAX; i++) {
      String id = raw.get(i);
      if (id == null || id.isEmpty() || id.length() > 19 || !id.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        throw InvalidInput.field("attachmentIds[" + i + "]", "must be an attachment id");
      }
      try {
        out.add(Long.parseLong(id));
      } catch (NumberFormatException e) {
        throw InvalidInput.field("attachmentIds[" + i + "]", "must be an attachment id");
      }
    }
    return out;
  }

  private static long threadRootId(String raw) {
    if (raw.isEmpty() || raw.length() > 19 || !raw.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw InvalidInput.field("threadRootId", "must be a message id");
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw InvalidInput.field("threadRootId", "must be a message id");
    }
  }

  private ApiResponse thread(ApiRequest r) {
    long after = seq(r, "after").orElse(0L);
    int limit = r.query("limit").map(v -> (int) Math.min(Integer.MAX_VALUE, number("limit", v))).orElse(MessageService.PAGE_DEFAULT);
    MessageService.Thread thread = messages.thread(actor(r), conversationId(r), messageId(r), after, limit);
    List<Message> all = new java.util.ArrayList<>(thread.replies());
    all.add(thread.root());
    MessageExtras.Batch extras = messages.extras(actor(r), conversationId(r), all);
    return ApiResponse.ok(Map.of("root", MessageJson.of(thread.root(), extras.of(thread.root().id())),
        "replies", thread.replies().stream().map(m -> MessageJson.of(m, extras.of(m.id()))).toList(),
        "hasMore", thread.hasMore()));
  }

  private ApiResponse history(ApiRequest r) {
    MessageService.PageRequest request = new MessageService.PageRequest(seq(r, "before"), seq(r, "after"), seq(r, "around"),
        r.query("limit").map(v -> (int) Math.min(Integer.MAX_VALUE, number("limit", v))).orElse(MessageService.PAGE_DEFAULT));
    MessageService.Page page = messages.history(actor(r), conversationId(r), request);
    return ApiResponse.ok(Map.of("messages", messages.json(actor(r), conversationId(r), page.messages()),
        "hasMoreBefore", page.hasMoreBefore(), "hasMoreAfter", page.hasMoreAfter()));
  }

  private static Optional<Long> seq(ApiRequest r, String name) {
    return r.query(name).map(v -> number(name, v));
  }

  private static long number(String name, String raw) {
    if (raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw InvalidInput.field(name, "must be a non-negative whole number");
    }
    return Long.parseLong(raw);
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
