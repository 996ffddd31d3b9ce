package io.ultrachat.chat.search;

import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.MessageStore;
import io.ultrachat.chat.message.Reader;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Full-text search of a workspace's messages, within what the caller may read.
 *
 * <p>Access: the caller must be a member of the workspace (else 404, as for anything they may
 * not see), and only the conversations {@link ConversationService#readable} lists for them are
 * searched: public channels (not for guests), their private channels and direct conversations.
 * The store never sees any other conversation, so nothing about the others can leak, not even
 * a count. A {@code conversationId} filter must name one of those ({@code 404} otherwise).
 *
 * <p>Matching and order are the {@link SearchStore}'s; messages are then read through the
 * {@link MessageStore}, so a result carries the message exactly as history shows it. A message
 * deleted or purged between the two reads is left out of its page (which may then be shorter
 * than the limit while {@code nextCursor} still leads on).
 */
public final class SearchService {
  public static final int LIMIT_DEFAULT = 20;
  public static final int LIMIT_MAX = 50;
  /** The range of instants {@code from} and {@code to} may take, which every backend can store. */
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private final WorkspaceService workspaces;
  private final ConversationService conversations;
  private final MessageStore messages;
  private final SearchStore store;

  public SearchService(WorkspaceService workspaces, ConversationService conversations, MessageStore messages, SearchStore store) {
    this.workspaces = workspaces;
    this.conversations = conversations;
    this.messages = messages;
    this.store = store;
  }

  /**
   * A search as the caller asked for it.
   *
   * @param q what the user typed, see {@link SearchTerms#parse}
   * @param conversationId only this conversation
   * @param authorId only messages by this user
   * @param from only messages created at or after this instant
   * @param to only messages created before this instant
   * @param limit most results, 1 to {@value #LIMIT_MAX}
   * @param cursor a previous page's {@code nextCursor}
   */
  public record Request(String q, Optional<Long> conversationId, Optional<Long> authorId, Optional<Instant> from,
      Optional<Instant> to, int limit, Optional<String> cursor) {}

  /** A matching message and the part of its body to show. */
  public record Result(Message message, Snippet snippet) {}

  /** Results in order, and the cursor of the next page if there may be one. */
  public record Page(List<Result> results, Optional<String> nextCursor) {}

  /**
   * @throws NotFound {@code workspace-not-found} if the caller is not in the workspace,
   *     {@code conversation-not-found} if {@code conversationId} is not a conversation of it they may read
   * @throws InvalidInput if the query, a filter, the limit or the cursor is refused
   */
  public Page search(long actor, long workspaceId, Request given) {
    workspaces.requireMember(actor, workspaceId);
    // Messages are stored at millisecond precision; bounds are compared at that precision on every backend.
    Request r = new Request(given.q(), given.conversationId(), given.authorId(),
        given.from().map(t -> t.truncatedTo(ChronoUnit.MILLIS)), given.to().map(t -> t.truncatedTo(ChronoUnit.MILLIS)),
        given.limit(), given.cursor());
    SearchTerms terms = SearchTerms.parse(r.q());
    if (r.limit() < 1 || r.limit() > LIMIT_MAX) {
      throw InvalidInput.field("limit", "must be between 1 and " + LIMIT_MAX);
    }
    r.from().ifPresent(t -> checkInstant("from", t));
    r.to().ifPresent(t -> checkInstant("to", t));
    if (r.from().isPresent() && r.to().isPresent() && r.from().get().isAfter(r.to().get())) {
      throw InvalidInput.field("from", "must not be after to");
    }
    List<Long> where = r.conversationId().isPresent()
        ? List.of(readableConversation(actor, workspaceId, r.conversationId().get()))
        : conversations.readable(actor, workspaceId).stream().map(v -> v.conversation().id()).toList();
    String fingerprint = fingerprint(workspaceId, terms, r);
    Optional<SearchStore.Position> after = r.cursor().map(c -> SearchCursor.decode(c, fingerprint));

    // Matching may run on a read replica (the actor's own messages included); the messages
    // themselves are then read as history shows them.
    List<SearchStore.Hit> hits = store.search(new SearchStore.Query(terms, where, r.authorId(), r.from(), r.to(), after,
        r.limit() + 1), new Reader(actor));
    boolean more = hits.size() > r.limit();
    List<SearchStore.Hit> page = more ? hits.subList(0, r.limit()) : hits;
    List<Result> results = new ArrayList<>();
    for (SearchStore.Hit hit : page) {
      messages.find(hit.conversationId(), hit.messageId())
          .filter(m -> !m.deleted() && m.body().isPresent())
          .ifPresent(m -> results.add(new Result(m, Snippet.of(m.body().get(), terms))));
    }
    Optional<String> next = more ? Optional.of(SearchCursor.encode(page.getLast().position(), fingerprint)) : Optional.empty();
    return new Page(results, next);
  }

  private long readableConversation(long actor, long workspaceId, long conversationId) {
    ConversationView v;
    try {
      v = conversations.view(actor, conversationId);
    } catch (NotFound e) {
      throw conversationNotFound();
    }
    if (v.conversation().workspaceId() != workspaceId) {
      throw conversationNotFound();
    }
    return conversationId;
  }

  static NotFound conversationNotFound() {
    return new NotFound("conversation-not-found", "conversation not found");
  }

  private static void checkInstant(String field, Instant t) {
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw InvalidInput.field(field, "must be between years 0001 and 9999");
    }
  }

  /** What a cursor must match: everything that decides the result list except its page size. */
  private static String fingerprint(long workspaceId, SearchTerms terms, Request r) {
    return workspaceId + "\n" + String.join("\u0001", terms.words()) + "\n" + terms.prefixLast() + "\n"
        + r.conversationId().map(String::valueOf).orElse("") + "\n" + r.authorId().map(String::valueOf).orElse("") + "\n"
        + r.from().map(Instant::toString).orElse("") + "\n" + r.to().map(Instant::toString).orElse("");
  }
}
