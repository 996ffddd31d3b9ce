package io.ultrachat.chat.attachment;

import java.time.Instant;
import java.util.Optional;

/**
 * A file uploaded to a conversation, whose bytes are in the blob store under {@link #blobKey()}.
 * It starts unclaimed, seen only by its uploader; a message of the same conversation by the same
 * person claims it ({@code messageId}), after which everyone who may read the conversation sees it
 * once that message is {@code posted} (committed and not deleted). Deleting the message deletes it.
 *
 * @param contentType the media type given at upload (its essence, lower case), which is also how
 *     it is served; never derived from the file name
 * @param size in bytes
 * @param posted whether a committed, live message has claimed it
 */
public record Attachment(
    long id, long conversationId, long uploaderId, String filename, String contentType, long size, Instant createdAt,
    Optional<Long> messageId, boolean posted) {

  /** Where the bytes live in the blob store. */
  public static String blobKey(long id) {
    return "attachments/" + id;
  }

  public String blobKey() {
    return blobKey(id);
  }

  /** Where clients download it (with their access token). */
  public String url() {
    return "/api/v1/attachments/" + id;
  }
}
