package io.ultrachat.chat.attachment;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persistence of attachment rows (the bytes are in the blob store). Thread-safe; each method is
 * atomic.
 *
 * <p>An upload is recorded in two steps, {@link #begin} before its bytes are stored and
 * {@link #complete} after, so that a crash in between leaves a row that {@link #expired} finds
 * rather than bytes that nothing refers to. Incomplete rows are invisible to every other method.
 */
public interface AttachmentStore {
  /** Records an upload that is starting: no size yet, unclaimed. */
  void begin(long id, long conversationId, long uploaderId, String filename, String contentType, Instant at);

  /** Records that the upload's bytes are stored; false if the row is gone. */
  boolean complete(long id, long size);

  /** Forgets a row, complete or not; false if there was none. */
  boolean remove(long id);

  /** A complete attachment. */
  Optional<Attachment> find(long id);

  /** Why a claim was refused; {@code index} is the position of the first offending id in the request. */
  record ClaimRefusal(Reason reason, int index) {
    public enum Reason {
      /** Unknown, incomplete, uploaded by someone else or to another conversation: the same to the caller. */
      NOT_CLAIMABLE,
      /** Already claimed by another message. */
      IN_USE
    }
  }

  /**
   * Claims complete, unclaimed attachments that {@code uploaderId} uploaded to
   * {@code conversationId} for the message {@code messageId}: all of them, or (with a refusal)
   * none. A concurrent claim of the same attachment waits for this one and then finds it in use.
   */
  Optional<ClaimRefusal> claim(long messageId, long uploaderId, long conversationId, List<Long> ids, Instant at);

  /** Un-claims whatever {@code messageId} claimed (its send failed or was a retry); how many. */
  int release(long messageId);

  /** Attachments claimed by each of these messages, ascending by id (upload order); messages without any are absent. */
  Map<Long, List<Attachment>> byMessages(Collection<Long> messageIds);

  /**
   * Up to {@code limit} ids of rows to purge: unclaimed (complete or not) and created before
   * {@code uploadedBefore}, or claimed before {@code claimedBefore} by a message that does not
   * exist (its send never committed, or retention removed it) or was deleted.
   */
  List<Long> expired(Instant uploadedBefore, Instant claimedBefore, int limit);
}
