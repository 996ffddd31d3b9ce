package io.ultrachat.chat.attachment;

import io.ultrachat.chat.ChatViews.AttachmentJson;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.BinaryContent;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.RawBody;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attachments: upload the raw bytes of one file to a conversation (the body streamed to the blob
 * store under the attachment limits), and download one.
 *
 * <p>Downloads never trust the file: the type is the one given at upload (never guessed from the
 * name or the bytes, {@code nosniff}), only a few raster image types are shown inline, everything
 * else is sent as a download, and a sandboxing CSP keeps anything opened directly from running.
 */
public final class AttachmentRoutes implements ServiceEndpoints {
  /** Types a browser may show in place: raster images only (no SVG, which can carry script). */
  static final Set<String> INLINE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
  static final String CSP = "default-src 'none'; sandbox";

  private final AttachmentService attachments;

  public AttachmentRoutes(AttachmentService attachments) {
    this.attachments = attachments;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethod.POST, "/api/v1/conversations/{conversationId}/attachments", Access.scoped(Scopes.CHAT_WRITE), this::upload)
            .withRawBody(attachments.limits().rawBody()),
        Endpoint.of(HttpMethod.GET, "/api/v1/attachments/{attachmentId}", Access.scoped(Scopes.CHAT_READ), this::download));
  }

  private ApiResponse upload(ApiRequest r) {
    String contentType = RawBody.essence(r.header("Content-Type").orElse(null)).orElse("");
    Attachment a = attachments.upload(r.requirePrincipal().userId(), Ids.parsePathId(r.pathParam("conversationId"), "conversation"),
        r.query("filename").orElse(null), contentType, r.bodyStream());
    return ApiResponse.created(AttachmentJson.of(a)).withHeader("Location", a.url());
  }

  private ApiResponse download(ApiRequest r) {
    AttachmentService.Download d = attachments.open(r.requirePrincipal().userId(),
        Ids.parsePathId(r.pathParam("attachmentId"), "attachment"));
    Attachment a = d.attachment();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Disposition", disposition(INLINE_TYPES.contains(a.contentType()), a.filename()));
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Content-Security-Policy", CSP);
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    headers.put("Cache-Control", "private, no-store");
    return new ApiResponse(200, new BinaryContent(a.contentType(), d.blob().size(), d.blob().content()), headers);
  }

  /**
   * {@code Content-Disposition} with the file name twice: as plain ASCII for old clients (anything
   * else replaced by {@code _}) and exactly, percent-encoded UTF-8 (RFC 6266, RFC 8187).
   */
  static String disposition(boolean inline, String filename) {
    StringBuilder ascii = new StringBuilder();
    filename.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' ? (char) cp : '_'));
    StringBuilder encoded = new StringBuilder();
    for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(String.format("%02X", c));
      }
    }
    return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
