package io.ultrachat.chat.attachment;

import io.ultrachat.chat.ChatSettings;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.http.RawBody;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What may be uploaded: at most {@code maxSize} bytes of one of {@code allowedTypes} (exact media
 * types, {@code type/*} or {@code *}{@code /*}). The upload endpoint declares these to the gateway,
 * which refuses other uploads with 413 or 415 before they reach the service.
 */
public record AttachmentLimits(long maxSize, List<String> allowedTypes) {
  public AttachmentLimits {
    allowedTypes = List.copyOf(allowedTypes);
    if (maxSize < 1) {
      throw new IllegalArgumentException("the largest attachment must be at least 1 byte but was " + maxSize);
    }
    if (allowedTypes.isEmpty()) {
      throw new IllegalArgumentException("name at least one allowed attachment type");
    }
    for (String t : allowedTypes) {
      if (!RawBody.isRange(t)) {
        throw new IllegalArgumentException("'" + t + "' is not a media type such as image/png, audio/* or */*");
      }
    }
  }

  public static AttachmentLimits from(Settings settings) {
    List<String> types = Arrays.stream(settings.get(ChatSettings.ATTACHMENT_TYPES).split(","))
        .map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    long maxSize = settings.get(ChatSettings.ATTACHMENT_MAX_SIZE);
    if (maxSize < 1) {
      throw new IllegalArgumentException("invalid setting " + ChatSettings.ATTACHMENT_MAX_SIZE.key() + ": must be at least 1 byte");
    }
    try {
      return new AttachmentLimits(maxSize, types);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid setting " + ChatSettings.ATTACHMENT_TYPES.key() + ": " + e.getMessage(), e);
    }
  }

  /** Whether a media type (essence, lower case) may be uploaded. */
  public boolean allows(String contentType) {
    return RawBody.matches(allowedTypes, contentType);
  }

  /** The limits as the upload endpoint declares them to the gateway. */
  public RawBody rawBody() {
    return new RawBody(maxSize, allowedTypes);
  }
}
