package io.ultrachat.chat.message;

import io.ultrachat.chat.ChatViews.ConversationJson;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.ServiceEndpoints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the caller's {@code mentionCount} (unread messages by others that mention them) to every
 * conversation the wrapped routes answer with: a single {@link ConversationJson}, or a list of
 * them under {@code conversations}. Keeps mention state out of the conversation service.
 */
public final class MentionCountingRoutes implements ServiceEndpoints {
  private final ServiceEndpoints routes;
  private final ExtrasStore extras;

  public MentionCountingRoutes(ServiceEndpoints routes, ExtrasStore extras) {
    this.routes = routes;
    this.extras = extras;
  }

  @Override
  public List<Endpoint> endpoints() {
    return routes.endpoints().stream()
        .map(e -> new Endpoint(e.method(), e.path(), e.access(), e.limit(), r -> withCounts(r, e.handler().handle(r))))
        .toList();
  }

  private ApiResponse withCounts(ApiRequest r, ApiResponse response) {
    Object body = response.body();
    if (body instanceof ConversationJson c) {
      return new ApiResponse(response.status(), count(r, c), response.headers());
    }
    if (body instanceof Map<?, ?> map && map.get("conversations") instanceof List<?> list
        && list.stream().allMatch(ConversationJson.class::isInstance)) {
      long actor = r.requirePrincipal().userId();
      Map<Long, Long> counts = extras.mentionCounts(actor);
      Map<Object, Object> out = new LinkedHashMap<>(map);
      out.put("conversations", list.stream().map(ConversationJson.class::cast)
          .map(c -> c.member() ? c.withMentionCount(counts.getOrDefault(Long.parseLong(c.id()), 0L)) : c).toList());
      return new ApiResponse(response.status(), out, response.headers());
    }
    return response;
  }

  private ConversationJson count(ApiRequest r, ConversationJson c) {
    if (!c.member()) {
      return c;
    }
    return c.withMentionCount(extras.mentionCount(Long.parseLong(c.id()), r.requirePrincipal().userId(), c.lastReadSeq()));
  }
}
