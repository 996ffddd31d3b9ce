package io.ultrachat.chat.conversation;

import io.ultrachat.chat.ChatEvents;
import io.ultrachat.chat.workspace.Role;
import io.ultrachat.chat.workspace.WorkspaceMember;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Conversations: who may see, join, change and leave them.
 *
 * <p>Visibility: a workspace member sees every public channel (guests only those they were
 * added to), the private channels they belong to and the direct conversations they take part
 * in. Anything else is reported as not found.
 *
 * <p>Direct conversations ({@code dm}, {@code group_dm}) are found or created by their set of
 * participants, which never changes: nobody joins, leaves, is added or removed, and they are
 * not renamed or archived. Any workspace member, guests included, may open one with other
 * members.
 */
public final class ConversationService {
  public static final int TOPIC_MAX = 250;
  /** At most this many other people in a direct conversation (so at most nine in all). */
  public static final int DIRECT_OTHERS_MAX = Conversation.DIRECT_MAX - 1;
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,80}");
  private static final Pattern USER_ID = Pattern.compile("[0-9]{1,19}");

  private final ConversationStore conversations;
  private final WorkspaceService workspaces;
  private final WorkspaceStore workspaceStore;
  private final IdGenerator ids;
  private final Clock clock;
  private final ChatEvents events;
  private final MentionCounts mentions;

  public ConversationService(ConversationStore conversations, WorkspaceService workspaces, WorkspaceStore workspaceStore,
      IdGenerator ids, Clock clock, ChatEvents events, MentionCounts mentions) {
    this.events = events;
    this.mentions = mentions;
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
    // The creator is its first member: their open connections must start following it.
    events.memberJoined(c.id(), actor);
    return view(actor, c.id());
  }

  /** A direct conversation as the caller sees it, and whether this call created it. */
  public record OpenedDirect(ConversationView view, boolean created) {}

  /**
   * Finds or creates the direct conversation between the caller and {@code userIds}: the same
   * set of people always gives the same conversation. The caller may be named or not.
   *
   * @param userIds the other participants as decimal id strings: 1 to {@value #DIRECT_OTHERS_MAX}
   *     distinct members of the workspace
   * @throws NotFound {@code workspace-not-found} if the caller is not in the workspace,
   *     {@code user-not-found} if a named user is not
   * @throws InvalidInput if {@code userIds} is missing, malformed, repeats an id, or names too few or too many
   */
  public OpenedDirect openDirect(long actor, long workspaceId, List<String> userIds) {
    WorkspaceMember me = workspaces.requireMember(actor, workspaceId);
    Set<Long> others = otherParticipants(actor, userIds);
    for (long userId : others) {
      if (workspaceStore.member(workspaceId, userId).isEmpty()) {
        throw new NotFound("user-not-found", "user " + userId + " is not a member of this workspace");
      }
    }
    List<Long> participants = new ArrayList<>(others);
    participants.add(actor);
    Conversation.Kind kind = others.size() == 1 ? Conversation.Kind.DM : Conversation.Kind.GROUP_DM;
    Conversation c = new Conversation(ids.next(), workspaceId, kind, "", "", actor, Clocks.nowMillis(clock), Optional.empty(), 0,
        participants);
    ConversationStore.DirectConversation result = conversations.findOrCreateDirect(c);
    Conversation stored = result.conversation();
    // Sorted, so that events go out in the same order every time.
    result.joined().stream().sorted().forEach(userId -> events.memberJoined(stored.id(), userId));
    ConversationMember membership = conversations.member(stored.id(), actor)
        .orElseThrow(() -> new IllegalStateException("the caller is a participant of " + stored.id() + " but not a member"));
    return new OpenedDirect(new ConversationView(stored, me, Optional.of(membership)), result.created());
  }

  private static Set<Long> otherParticipants(long actor, List<String> userIds) {
    if (userIds == null) {
      throw InvalidInput.field("userIds", "is required");
    }
    if (userIds.size() > DIRECT_OTHERS_MAX + 1) {
      throw InvalidInput.field("userIds", "must name at most " + DIRECT_OTHERS_MAX + " other users");
    }
    Set<Long> seen = new LinkedHashSet<>();
    for (int i = 0; i < userIds.size(); i++) {
      String raw = userIds.get(i);
      String field = "userIds[" + i + "]";
      if (raw == null || !USER_ID.matcher(raw).matches()) {
        throw InvalidInput.field(field, "must be a user id, a decimal string");
      }
      long id;
      try {
        id = Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw InvalidInput.field(field, "must be a user id, a decimal string");
      }
      if (!seen.add(id)) {
        throw InvalidInput.field(field, "repeats user " + id);
      }
    }
    seen.remove(actor);
    if (seen.isEmpty()) {
      throw InvalidInput.field("userIds", "must name at least one user other than yourself");
    }
    if (seen.size() > DIRECT_OTHERS_MAX) {
      throw InvalidInput.field("userIds", "must name at most " + DIRECT_OTHERS_MAX + " other users");
    }
    return seen;
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

  private static Conflict nameTaken(String name) {
    return new Conflict("conversation-name-taken", "a conversation named '" + name + "' already exists");
  }

  /**
   * The conversation as the caller may see it.
   *
   * @throws NotFound if it does not exist or the caller may not see it
   */
  public ConversationView view(long actor, long conversationId) {
    return view(actor, conversations.find(conversationId).orElseThrow(ConversationService::notFound));
  }

  /**
   * {@link #view}, on a conversation whose {@link Conversation#lastSeq()} may be behind: for the
   * send path, which checks access and the archive and reads nothing else.
   *
   * @throws NotFound as {@link #view} does
   */
  public ConversationView viewForSending(long actor, long conversationId) {
    return view(actor, conversations.findForAccess(conversationId).orElseThrow(ConversationService::notFound));
  }

  private ConversationView view(long actor, Conversation c) {
    long conversationId = c.id();
    WorkspaceMember me = workspaceStore.member(c.workspaceId(), actor).orElseThrow(ConversationService::notFound);
    Optional<ConversationMember> membership = conversations.member(conversationId, actor);
    if (membership.isEmpty() && (c.kind() != Conversation.Kind.PUBLIC || me.role() == Role.GUEST)) {
      throw notFound();
    }
    return new ConversationView(c, me, membership);
  }

  private static NotFound notFound() {
    return new NotFound("conversation-not-found", "conversation not found");
  }

  /** {@link #view} with the caller's mention count, for showing the conversation to them. */
  public ConversationView show(long actor, long conversationId) {
    return withMentions(view(actor, conversationId));
  }

  private ConversationView withMentions(ConversationView v) {
    if (v.membership().isEmpty()) {
      return v;
    }
    ConversationMember m = v.membership().get();
    return new ConversationView(v.conversation(), v.workspaceMember(), v.membership(),
        mentions.mentionCount(m.conversationId(), m.userId(), m.lastReadSeq()));
  }

  /** The channels the caller may see, by name, then the caller's direct conversations, oldest first, with mention counts. */
  public List<ConversationView> list(long actor, long workspaceId) {
    List<ConversationView> out = readable(actor, workspaceId);
    Map<Long, Long> counts = mentions.mentionCounts(actor);
    return out.stream()
        .map(v -> v.isMember() ? new ConversationView(v.conversation(), v.workspaceMember(), v.membership(),
            counts.getOrDefault(v.conversation().id(), 0L)) : v)
        .toList();
  }

  /**
   * Every conversation of the workspace the caller may read, by the rule of {@link #view}: the
   * channels (by name), then the caller's direct conversations (oldest first); mention counts 0.
   *
   * @throws NotFound {@code workspace-not-found} if the caller is not in the workspace
   */
  public List<ConversationView> readable(long actor, long workspaceId) {
    WorkspaceMember me = workspaces.requireMember(actor, workspaceId);
    Map<Long, ConversationMember> mine = conversations.membershipsInWorkspace(workspaceId, actor).stream()
        .collect(Collectors.toMap(ConversationMember::conversationId, Function.identity()));
    List<ConversationView> out = new ArrayList<>();
    conversations.listInWorkspace(workspaceId).stream()
        .filter(c -> mine.containsKey(c.id()) || (c.kind() == Conversation.Kind.PUBLIC && me.role() != Role.GUEST))
        .map(c -> new ConversationView(c, me, Optional.ofNullable(mine.get(c.id()))))
        .forEach(out::add);
    conversations.listDirectOfMember(workspaceId, actor).stream()
        .filter(c -> mine.containsKey(c.id()))
        .map(c -> new ConversationView(c, me, Optional.of(mine.get(c.id()))))
        .forEach(out::add);
    return out;
  }

  public ConversationView update(long actor, long conversationId, Optional<String> name, Optional<String> topic,
      Optional<Boolean> archived) {
    ConversationView v = view(actor, conversationId);
    if (name.isEmpty() && topic.isEmpty() && archived.isEmpty()) {
      throw new InvalidInput("invalid-input", "name one of: name, topic, archived");
    }
    if (v.conversation().direct() && name.isPresent()) {
      throw InvalidInput.field("name", "a direct conversation has no name");
    }
    if (v.conversation().direct() && archived.isPresent()) {
      throw InvalidInput.field("archived", "a direct conversation cannot be archived");
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
    ConversationView updated = show(actor, conversationId);
    events.conversationChanged(updated);
    return updated;
  }

  /** Joins yourself, or adds another workspace member. */
  public ConversationView putMember(long actor, long conversationId, long userId) {
    ConversationView v = view(actor, conversationId);
    requireChannel(v);
    if (userId != actor) {
      if (!v.isMember()) {
        throw new Forbidden("not-a-member", "join the conversation before adding others");
      }
      if (v.workspaceMember().role() == Role.GUEST) {
        throw new Forbidden("guests-cannot-add", "guests cannot add people to conversations");
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
    return show(actor, conversationId);
  }

  /** Leaves (yourself) or removes another member (creator or workspace admin). */
  public void removeMember(long actor, long conversationId, long userId) {
    ConversationView v = view(actor, conversationId);
    requireChannel(v);
    if (userId != actor && !(v.conversation().createdBy() == actor || v.workspaceMember().role().manages())) {
      throw new Forbidden("conversation-admin-required", "only the creator or a workspace admin may remove members");
    }
    if (!conversations.removeMember(conversationId, userId)) {
      throw new NotFound("member-not-found", "that user is not a member of this conversation");
    }
    events.memberLeft(conversationId, userId);
  }

  private static void requireChannel(ConversationView v) {
    if (v.conversation().direct()) {
      throw new Conflict("dm-membership-fixed",
          "the people in a direct conversation are fixed; open another one with the people you want");
    }
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
