package io.ultrachat.chat.attachment;

import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.kernel.blob.BlobStore;
import io.ultrachat.kernel.blob.BlobTooLarge;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploading, downloading and claiming message attachments, with the conversation's access rules.
 *
 * <p>Design notes. The bytes go to the {@link BlobStore} as they arrive (never whole in memory);
 * the row is written first and completed after, so nothing is ever stored that no row knows of
 * (see {@link AttachmentStore}). A message claims its attachments before it is appended, keyed by
 * the message's id: a message is never committed without the attachments it names, and a send
 * that fails or turns out to be a retry releases its claim. Visibility follows from that: the
 * uploader sees their attachment as long as they may read the conversation; everyone else who may
 * read it sees it once its message is posted. Unclaimed uploads, claims whose message never
 * committed and attachments of deleted messages are purged ({@link #purge}).
 */
public final class AttachmentService {
  public static final int FILENAME_MAX = 255;
  public static final int PER_MESSAGE_MAX = 10;
  /** How long an upload may wait for its message before the purge takes it. */
  public static final Duration UNCLAIMED_TTL = Duration.ofDays(1);
  private static final int PURGE_BATCH = 500;
  private static final Logger LOG = LoggerFactory.getLogger(AttachmentService.class);

  private final AttachmentStore store;
  private final BlobStore blobs;
  private final ConversationService conversations;
  private final IdGenerator ids;
  private final Clock clock;
  private final AttachmentLimits limits;

  public AttachmentService(AttachmentStore store, BlobStore blobs, ConversationService conversations, IdGenerator ids, Clock clock,
      AttachmentLimits limits) {
    this.store = store;
    this.blobs = blobs;
    this.conversations = conversations;
    this.ids = ids;
    this.clock = clock;
    this.limits = limits;
  }

  public AttachmentLimits limits() {
    return limits;
  }

  /**
   * Stores an upload to a conversation the caller may post in: 404 if they may not see it, 403
   * {@code not-a-member}, 409 {@code conversation-archived}; 400 for a bad file name, an empty
   * body or image bytes that are not the image type claimed. {@code content} is read to its end
   * (at most {@link AttachmentLimits#maxSize()} bytes) but not closed.
   *
   * @param contentType the media type's essence, lower case
   */
  public Attachment upload(long actor, long conversationId, String filename, String contentType, InputStream content) {
    String name = filename(filename);
    if (!limits.allows(contentType)) {
      // The gateway refuses these with 415 before the service runs; this guards other callers.
      throw InvalidInput.field("contentType", "must be one of " + String.join(", ", limits.allowedTypes()));
    }
    ConversationView v = conversations.view(actor, conversationId);
    if (!v.isMember()) {
      throw new Forbidden("not-a-member", "join the conversation to post in it");
    }
    if (v.conversation().archived()) {
      throw new Conflict("conversation-archived", "the conversation is archived");
    }
    BufferedInputStream in = new BufferedInputStream(content, 16 * 1024);
    checkContent(contentType, in);
    long id = ids.next();
    Instant now = Clocks.nowMillis(clock);
    store.begin(id, conversationId, actor, name, contentType, now);
    long size;
    try {
      size = blobs.put(Attachment.blobKey(id), in, limits.maxSize());
      if (!store.complete(id, size)) {
        throw new IllegalStateException("attachment " + id + " vanished during its upload");
      }
    } catch (RuntimeException e) {
      forget(id);
      if (e instanceof BlobTooLarge) {
        // Over HTTP the gateway has already answered 413: its limit is the same and trips first.
        throw new InvalidInput("attachment-too-large", "an attachment may have at most " + limits.maxSize() + " bytes");
      }
      throw e;
    }
    return new Attachment(id, conversationId, actor, name, contentType, size, now, Optional.empty(), false);
  }

  /** An attachment to download and its open bytes; close the blob when done. */
  public record Download(Attachment attachment, BlobStore.Blob blob) {}

  /**
   * Opens an attachment for someone who may see it (see the class notes); 404
   * {@code attachment-not-found} for everyone else, whatever the reason.
   */
  public Download open(long actor, long attachmentId) {
    Attachment a = store.find(attachmentId).orElseThrow(AttachmentService::notFound);
    try {
      conversations.view(actor, a.conversationId());
    } catch (NotFound e) {
      throw notFound();
    }
    if (a.uploaderId() != actor && !a.posted()) {
      throw notFound();
    }
    BlobStore.Blob blob = blobs.get(a.blobKey()).orElseThrow(() -> {
      LOG.warn("attachment {} has a row but no bytes in the blob store", a.id());
      return notFound();
    });
    return new Download(a, blob);
  }

  /**
   * Claims attachments for a message about to be appended by {@code actor} to
   * {@code conversationId}: all or none. 400 {@code invalid-input} naming the entry for more than
   * {@value #PER_MESSAGE_MAX}, a repeated id, or an id that is not a complete attachment the actor
   * uploaded to this conversation; 409 {@code attachment-in-use} if another message has it.
   */
  public void claim(long actor, long conversationId, long messageId, List<Long> attachmentIds) {
    if (attachmentIds.isEmpty()) {
      return;
    }
    checkIds(attachmentIds);
    Optional<AttachmentStore.ClaimRefusal> refusal = store.claim(messageId, actor, conversationId, attachmentIds,
        Clocks.nowMillis(clock));
    if (refusal.isPresent()) {
      int i = refusal.get().index();
      throw switch (refusal.get().reason()) {
        case NOT_CLAIMABLE -> InvalidInput.field("attachmentIds[" + i + "]", "is not an attachment you uploaded to this conversation");
        case IN_USE -> new Conflict("attachment-in-use", "attachment " + attachmentIds.get(i) + " already belongs to a message");
      };
    }
  }

  /** Checks a message's attachment ids before anything else about the send: count and repeats. */
  public void checkIds(List<Long> attachmentIds) {
    if (attachmentIds.size() > PER_MESSAGE_MAX) {
      throw InvalidInput.field("attachmentIds", "must have at most " + PER_MESSAGE_MAX + " entries");
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < attachmentIds.size(); i++) {
      if (!seen.add(attachmentIds.get(i))) {
        throw InvalidInput.field("attachmentIds[" + i + "]", "repeats an earlier entry");
      }
    }
  }

  /** Gives back what a message claimed whose append failed or was a retry of an earlier send. */
  public void release(long messageId) {
    store.release(messageId);
  }

  /** The attachments of these messages, by message id, in upload order. */
  public Map<Long, List<Attachment>> byMessages(Collection<Long> messageIds) {
    return store.byMessages(messageIds);
  }

  /**
   * Deletes the attachments of a deleted message, bytes first. The message is already deleted, so
   * a failure here is logged, not thrown: it leaves a row the purge finds and retries.
   */
  public void deleteFor(long messageId) {
    try {
      for (Attachment a : store.byMessages(List.of(messageId)).getOrDefault(messageId, List.of())) {
        forget(a.id());
      }
    } catch (RuntimeException e) {
      LOG.warn("deleting the attachments of deleted message {} failed; the daily purge retries: {}", messageId, e.getMessage());
    }
  }

  /**
   * Deletes unclaimed uploads older than {@link #UNCLAIMED_TTL}, claims as old whose message never
   * committed, and attachments whose message was deleted or removed by retention; how many.
   * Safe to run any time, on any node.
   */
  public int purge() {
    Instant cutoff = Clocks.nowMillis(clock).minus(UNCLAIMED_TTL);
    int purged = 0;
    List<Long> batch;
    do {
      batch = store.expired(cutoff, cutoff, PURGE_BATCH);
      for (long id : batch) {
        forget(id);
        purged++;
      }
    } while (batch.size() == PURGE_BATCH);
    return purged;
  }

  /** Removes an attachment's bytes, then its row. */
  private void forget(long id) {
    blobs.delete(Attachment.blobKey(id));
    store.remove(id);
  }

  /** A file name as given, trimmed: 1 to 255 characters, no control characters, no path. */
  static String filename(String raw) {
    if (raw == null || raw.isBlank()) {
      throw InvalidInput.field("filename", "is required");
    }
    String stripped = raw.strip();
    if (stripped.codePointCount(0, stripped.length()) > FILENAME_MAX) {
      throw InvalidInput.field("filename", "must be at most " + FILENAME_MAX + " characters");
    }
    String name = Input.label("filename", stripped, FILENAME_MAX);
    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
      throw InvalidInput.field("filename", "must be a file name without '/' or '\\'");
    }
    if (name.equals(".") || name.equals("..")) {
      throw InvalidInput.field("filename", "must be a file name");
    }
    return name;
  }

  /**
   * Refuses an empty body, and image bytes that do not start as the image type claimed (the one
   * kind of attachment served inline). Looks at the first bytes only.
   */
  private static void checkContent(String contentType, BufferedInputStream in) {
    byte[] head;
    try {
      in.mark(16);
      head = in.readNBytes(12);
      in.reset();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (head.length == 0) {
      throw new InvalidInput("empty-attachment", "the request body (the file) must not be empty");
    }
    boolean matches = switch (contentType) {
      case "image/png" -> startsWith(head, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      case "image/jpeg" -> startsWith(head, 0, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});
      case "image/gif" -> startsWith(head, 0, ascii("GIF87a")) || startsWith(head, 0, ascii("GIF89a"));
      case "image/webp" -> startsWith(head, 0, ascii("RIFF")) && startsWith(head, 8, ascii("WEBP"));
      default -> true;
    };
    if (!matches) {
      throw new InvalidInput("content-type-mismatch", "the file is not a " + contentType + " image");
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean startsWith(byte[] head, int at, byte[] prefix) {
    return head.length >= at + prefix.length && Arrays.equals(head, at, at + prefix.length, prefix, 0, prefix.length);
  }

  static NotFound notFound() {
    return new NotFound("attachment-not-found", "attachment not found");
  }
}
