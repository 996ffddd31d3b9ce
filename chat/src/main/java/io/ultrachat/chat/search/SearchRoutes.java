package io.ultrachat.chat.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ultrachat.chat.ChatViews.MessageJson;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.MessageService;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Full-text search: {@code GET /api/v1/workspaces/{workspaceId}/search}. Query parameters that
 * are present but empty count as absent, so a client may send every parameter every time.
 */
public final class SearchRoutes implements ServiceEndpoints {
  /** One result: the message as history shows it, and its snippet with {@code [start, end)} highlights. */
  record ResultJson(String conversationId, MessageJson message, String snippet, List<int[]> highlights) {}

  /** A page of results; {@code nextCursor} is {@code null} on the last page. */
  record PageJson(List<ResultJson> results, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {}

  private final SearchService search;
  private final MessageService messages;

  public SearchRoutes(SearchService search, MessageService messages) {
    this.search = search;
    this.messages = messages;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of(HttpMethod.GET, "/api/v1/workspaces/{workspaceId}/search", Access.scoped(Scopes.CHAT_READ),
        this::search));
  }

  private ApiResponse search(ApiRequest r) {
    long actor = r.requirePrincipal().userId();
    long workspaceId = Ids.parsePathId(r.pathParam("workspaceId"), "workspace");
    SearchService.Request request = new SearchService.Request(
        param(r, "q").orElse(null),
        param(r, "conversationId").map(SearchRoutes::conversationId),
        param(r, "authorId").map(SearchRoutes::authorId),
        param(r, "from").map(v -> instant("from", v)),
        param(r, "to").map(v -> instant("to", v)),
        param(r, "limit").map(SearchRoutes::limit).orElse(SearchService.LIMIT_DEFAULT),
        param(r, "cursor"));
    SearchService.Page page = search.search(actor, workspaceId, request);
    return ApiResponse.ok(new PageJson(json(actor, page.results()), page.nextCursor().orElse(null)));
  }

  /** Results in order, each message with its reactions, mentions and the rest read per conversation in one go. */
  private List<ResultJson> json(long actor, List<SearchService.Result> results) {
    Map<Long, List<Message>> byConversation = new LinkedHashMap<>();
    results.forEach(x -> byConversation.computeIfAbsent(x.message().conversationId(), k -> new ArrayList<>()).add(x.message()));
    Map<Long, MessageJson> messageJson = new HashMap<>();
    byConversation.forEach((conversationId, list) -> {
      List<MessageJson> shown = messages.json(actor, conversationId, list);
      for (int i = 0; i < list.size(); i++) {
        messageJson.put(list.get(i).id(), shown.get(i));
      }
    });
    return results.stream().map(x -> new ResultJson(Long.toString(x.message().conversationId()),
        messageJson.get(x.message().id()), x.snippet().text(),
        x.snippet().highlights().stream().map(h -> new int[] {h.start(), h.end()}).toList())).toList();
  }

  private static Optional<String> param(ApiRequest r, String name) {
    return r.query(name).filter(v -> !v.isEmpty());
  }

  /** A conversation that cannot exist is not found, as a path id would be. */
  private static long conversationId(String raw) {
    try {
      return Ids.parsePathId(raw, "conversation");
    } catch (NotFound e) {
      throw SearchService.conversationNotFound();
    }
  }

  private static long authorId(String raw) {
    if (raw.length() > 19 || !raw.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw InvalidInput.field("authorId", "must be a user id, a decimal string");
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw InvalidInput.field("authorId", "must be a user id, a decimal string");
    }
  }

  private static Instant instant(String field, String raw) {
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw InvalidInput.field(field, "must be an ISO-8601 instant in UTC, e.g. 2026-01-31T00:00:00Z");
    }
  }

  private static int limit(String raw) {
    if (raw.length() > 9 || !raw.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw InvalidInput.field("limit", "must be between 1 and " + SearchService.LIMIT_MAX);
    }
    return Integer.parseInt(raw);
  }
}
