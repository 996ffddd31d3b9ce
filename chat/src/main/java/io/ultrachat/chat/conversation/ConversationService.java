package io.ultrachat.chat.conversation;

import io.ultrachat.chat.ChatEvents;
import io.ultrachat.chat.workspace.Role;
import io.ultrachat.chat.workspace.WorkspaceMember;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Channels: who may see, join, change and leave them.
 *
 * <p>Visibility: a workspace member sees every public channel (guests only those they were
 * added to) and the private channels they belong to. Anything else is reported as not found.
 */
public final class ConversationService {
  public static final int TOPIC_MAX = 250;
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,80}");

  private final ConversationStore conversations;
  private final WorkspaceService workspaces;
  private final WorkspaceStore workspaceStore;
  private final IdGenerator ids;
  private final Clock clock;
  private final ChatEvents events;

  public ConversationService(ConversationStore conversations, WorkspaceService workspaces, WorkspaceStore workspaceStore,
      IdGenerator ids, Clock clock, ChatEvents events) {
    this.events = events;
    this.conversations = conversations;
    this.workspaces = workspaces;
    this.workspaceStore = workspaceStore;
    this.ids = ids;
    this.clock = clock;
  }

  public ConversationView create(long actor, long workspaceId, String kind, String name, Optional<String> topic) {
    WorkspaceMember me = workspaces.requireMember(actor, workspaceId);
    if (me.role() == Role.GUEST) {
      throw new Forbidden("guests-cannot-create", "guests cannot create conversations");
    }
    Conversation.Kind k = kind(kind);
    String n = name(name);
    String t = topic(topic.orElse(""));
    Conversation c = new Conversation(ids.next(), workspaceId, k, n, t, actor, Clocks.nowMillis(clock), Optional.empty(), 0);
    try {
      conversations.create(c);
    } catch (DuplicateKeyException e) {
      throw nameTaken(n);
    }
    return view(actor, c.id());
  }

  private static Conversation.Kind kind(String kind) {
    if ("public".equals(kind)) {
      return Conversation.Kind.PUBLIC;
    }
    if ("private".equals(kind)) {
      return Conversation.Kind.PRIVATE;
    }
    throw InvalidInput.field("kind", "must be public or private");
  }

  private static String name(String name) {
    if (name == null) {
      throw InvalidInput.field("name", "is required");
    }
    if (!NAME.matcher(name).matches()) {
      throw InvalidInput.field("name", "must be 1 to 80 lower-case letters, digits, '-' or '_'");
    }
    return name;
  }

  private static String topic(String topic) {
    String t = Input.required("topic", topic, 0, TOPIC_MAX).strip();
    if (t.chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
      throw InvalidInput.field("topic", "must not contain control characters");
    }
    return t;
  }

  private static io.ultrachat.kernel.error.Conflict nameTaken(String name) {
    return new io.ultrachat.kernel.error.Conflict("conversation-name-taken", "a conversation named '" + name + "' already exists");
  }

  /**
   * The conversation as the caller may see it.
   *
   * @throws NotFound if it does not exist or the caller may not see it
   */
  public ConversationView view(long actor, long conversationId) {
    Conversation c = conversations.find(conversationId).orElseThrow(ConversationService::notFound);
    WorkspaceMember me = workspaceStore.member(c.workspaceId(), actor).orElseThrow(ConversationService::notFound);
    Optional<ConversationMember> membership = conversations.member(conversationId, actor);
    if (membership.isEmpty() && (c.kind() == Conversation.Kind.PRIVATE || me.role() == Role.GUEST)) {
      throw notFound();
    }
    return new ConversationView(c, me, membership);
  }

  private static NotFound notFound() {
    return new NotFound("conversation-not-found", "conversation not found");
  }

  public List<ConversationView> list(long actor, long workspaceId) {
    WorkspaceMember me = workspaces.requireMember(actor, workspaceId);
    Map<Long, ConversationMember> mine = conversations.membershipsInWorkspace(workspaceId, actor).stream()
        .collect(Collectors.toMap(ConversationMember::conversationId, Function.identity()));
    return conversations.listInWorkspace(workspaceId).stream()
        .filter(c -> mine.containsKey(c.id()) || (c.kind() == Conversation.Kind.PUBLIC && me.role() != Role.GUEST))
        .map(c -> new ConversationView(c, me, Optional.ofNullable(mine.get(c.id()))))
        .toList();
  }

  public ConversationView update(long actor, long conversationId, Optional<String> name, Optional<String> topic,
      Optional<Boolean> archived) {
    ConversationView v = view(actor, conversationId);
    if (name.isEmpty() && topic.isEmpty() && archived.isEmpty()) {
      throw new InvalidInput("invalid-input", "name one of: name, topic, archived");
    }
    boolean admin = v.conversation().createdBy() == actor || v.workspaceMember().role().manages();
    if ((name.isPresent() || archived.isPresent()) && !admin) {
      throw new Forbidden("conversation-admin-required", "only the creator or a workspace admin may rename or archive");
    }
    if (topic.isPresent() && !admin && !v.isMember()) {
      throw new Forbidden("not-a-member", "join the conversation to change its topic");
    }
    Optional<String> n = name.map(ConversationService::name);
    Optional<String> t = topic.map(ConversationService::topic);
    Instant now = Clocks.nowMillis(clock);
    Optional<Optional<Instant>> a = archived.map(x -> x ? Optional.of(v.conversation().archivedAt().orElse(now)) : Optional.empty());
    try {
      conversations.update(conversationId, n, t, a);
    } catch (DuplicateKeyException e) {
      throw nameTaken(n.orElse(""));
    }
    ConversationView updated = view(actor, conversationId);
    events.conversationChanged(updated);
    return updated;
  }

  /** Joins yourself, or adds another workspace member. */
  public ConversationView putMember(long actor, long conversationId, long userId) {
    ConversationView v = view(actor, conversationId);
    if (userId != actor) {
      if (!v.isMember()) {
        throw new Forbidden("not-a-member", "join the conversation before adding others");
      }
      if (workspaceStore.member(v.conversation().workspaceId(), userId).isEmpty()) {
        throw new NotFound("user-not-found", "that user is not a member of this workspace");
      }
    }
    boolean already = conversations.member(conversationId, userId).isPresent();
    conversations.addMember(conversationId, userId, Clocks.nowMillis(clock));
    if (!already) {
      events.memberJoined(conversationId, userId);
    }
    return view(actor, conversationId);
  }

  /** Leaves (yourself) or removes another member (creator or workspace admin). */
  public void removeMember(long actor, long conversationId, long userId) {
    ConversationView v = view(actor, conversationId);
    if (userId != actor && !(v.conversation().createdBy() == actor || v.workspaceMember().role().manages())) {
      throw new Forbidden("conversation-admin-required", "only the creator or a workspace admin may remove members");
    }
    if (!conversations.removeMember(conversationId, userId)) {
      throw new NotFound("member-not-found", "that user is not a member of this conversation");
    }
    events.memberLeft(conversationId, userId);
  }

  public void markRead(long actor, long conversationId, long seq) {
    if (seq < 0) {
      throw InvalidInput.field("seq", "must not be negative");
    }
    ConversationView v = view(actor, conversationId);
    if (!v.isMember()) {
      throw new Forbidden("not-a-member", "join the conversation first");
    }
    long before = v.membership().map(ConversationMember::lastReadSeq).orElse(0L);
    conversations.markRead(conversationId, actor, seq).filter(now -> now != before)
        .ifPresent(now -> events.readUpdated(actor, conversationId, now));
  }
}
