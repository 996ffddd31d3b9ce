package io.ultrachat.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ultrachat.chat.attachment.Attachment;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.chat.invite.Invite;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.MessageExtras;
import io.ultrachat.chat.message.ThreadSummary;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.chat.workspace.WorkspaceStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The JSON shapes of the Chat API. Ids are strings, as everywhere in the API. */
public final class ChatViews {
  private ChatViews() {}

  /** A workspace as one member sees it; {@code retentionDays} is {@code null} when messages are kept forever. */
  public record WorkspaceJson(String id, String name, String role, Instant createdAt,
      @JsonInclude(JsonInclude.Include.ALWAYS) Integer retentionDays) {
    public static WorkspaceJson of(WorkspaceStore.WorkspaceWithRole w) {
      return new WorkspaceJson(Long.toString(w.workspace().id()), w.workspace().name(), w.role().wire(), w.workspace().createdAt(),
          w.workspace().retentionDays().orElse(null));
    }
  }

  public record MemberJson(String userId, String username, String displayName, String role, Instant joinedAt) {
    public static MemberJson of(WorkspaceService.MemberProfile p) {
      return new MemberJson(Long.toString(p.member().userId()), p.user().username(), p.user().displayName(), p.member().role().wire(),
          p.member().joinedAt());
    }
  }

  /**
   * A conversation as one caller sees it. {@code participants} (user ids, ascending) is present
   * for direct conversations ({@code dm}, {@code group_dm}) only; their {@code name} is {@code ""}.
   */
  public record ConversationJson(
      String id, String workspaceId, String kind, String name, String topic, String createdBy, Instant createdAt, boolean archived,
      long lastSeq, boolean member, long lastReadSeq, long unreadCount, long mentionCount, Optional<List<String>> participants) {
    public static ConversationJson of(ConversationView v) {
      var c = v.conversation();
      Optional<List<String>> participants = c.direct()
          ? Optional.of(c.participants().stream().map(id -> Long.toString(id)).toList()) : Optional.empty();
      return new ConversationJson(Long.toString(c.id()), Long.toString(c.workspaceId()), c.kind().wire(), c.name(),
          c.topic(), Long.toString(c.createdBy()), c.createdAt(), c.archived(), c.lastSeq(), v.isMember(),
          v.membership().map(m -> m.lastReadSeq()).orElse(0L), v.unreadCount(), v.mentionCount(), participants);
    }
  }

  /** A workspace invite; {@code token}, the secret, only in the answer that created it. */
  public record InviteJson(
      String id, Optional<String> token, String workspaceId, String role, Instant expiresAt, int maxUses, int uses, String createdBy,
      Instant createdAt) {
    public static InviteJson of(Invite i, Optional<String> token) {
      return new InviteJson(Long.toString(i.id()), token, Long.toString(i.workspaceId()), i.role().wire(), i.expiresAt(), i.maxUses(),
          i.uses(), Long.toString(i.createdBy()), i.createdAt());
    }

    public static InviteJson of(Invite i) {
      return of(i, Optional.empty());
    }
  }

  /**
   * A message; {@code body} is written as {@code null} once deleted. {@code reactions} are in
   * order of first use, {@code me} telling whether the caller is among the reactors.
   * {@code threadRootId} is present on replies, {@code thread} on roots that have replies.
   * {@code attachments} is always present, empty when there are none (and once deleted).
   */
  public record MessageJson(
      String id, String conversationId, long seq, String userId, @JsonInclude(JsonInclude.Include.ALWAYS) String body,
      Instant createdAt, Optional<Instant> editedAt, Optional<Instant> deletedAt, Optional<String> clientId,
      List<ReactionJson> reactions, List<String> mentions, boolean mentionsChannel, boolean pinned,
      Optional<String> threadRootId, Optional<ThreadJson> thread, List<AttachmentRefJson> attachments) {
    public static MessageJson of(Message m, Optional<String> clientId, MessageExtras extras) {
      return new MessageJson(Long.toString(m.id()), Long.toString(m.conversationId()), m.seq(), Long.toString(m.userId()),
          m.body().orElse(null), m.createdAt(), m.editedAt(), m.deletedAt(), clientId,
          extras.reactions().stream().map(r -> new ReactionJson(r.emoji(), r.count(), r.me())).toList(),
          extras.mentions().userIds().stream().map(id -> Long.toString(id)).toList(), extras.mentions().channel(), extras.pinned(),
          m.threadRootId().map(id -> Long.toString(id)), extras.thread().map(ThreadJson::of),
          m.deleted() ? List.of() : extras.attachments().stream().map(AttachmentRefJson::of).toList());
    }

    public static MessageJson of(Message m, MessageExtras extras) {
      return of(m, Optional.empty(), extras);
    }

    /** Without reactions, mentions or pin (as stored alone, e.g. for resume replays). */
    public static MessageJson of(Message m) {
      return of(m, Optional.empty(), MessageExtras.NONE);
    }
  }

  public record ReactionJson(String emoji, long count, boolean me) {}

  /** An uploaded attachment, as the upload answers it; {@code url} downloads it (with the access token). */
  public record AttachmentJson(String id, String conversationId, String filename, String contentType, long size, Instant createdAt,
      String url) {
    public static AttachmentJson of(Attachment a) {
      return new AttachmentJson(Long.toString(a.id()), Long.toString(a.conversationId()), a.filename(), a.contentType(), a.size(),
          a.createdAt(), a.url());
    }
  }

  /** An attachment as a message lists it. */
  public record AttachmentRefJson(String id, String filename, String contentType, long size, String url) {
    public static AttachmentRefJson of(Attachment a) {
      return new AttachmentRefJson(Long.toString(a.id()), a.filename(), a.contentType(), a.size(), a.url());
    }
  }

  /** A thread root's summary: reply count, time of the last reply, reply authors in order of first reply (at most 50). */
  public record ThreadJson(long replyCount, Instant lastReplyAt, List<String> participants) {
    public static ThreadJson of(ThreadSummary t) {
      return new ThreadJson(t.replyCount(), t.lastReplyAt(), t.participants().stream().map(id -> Long.toString(id)).toList());
    }
  }
}
