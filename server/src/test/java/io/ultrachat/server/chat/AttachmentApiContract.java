package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Message attachments over HTTP: upload (streamed, with size and type limits), download with
 * authorization, claiming by messages, deletion with the message, and the purge of unclaimed
 * uploads. Subclasses run it on SQLite and on PostgreSQL. "Nothing stored" is checked where it
 * lives: the blob directory and the {@code chat_attachments} table.
 */
abstract class AttachmentApiContract extends ChatApiTestBase {
  private static final int MAX = 10 * 1024 * 1024;
  /** HTTP/1.1, as browsers speak to a server without TLS. */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** HTTP/2 over cleartext (h2c upgrade), which the server also speaks. */
  private static final HttpClient H2C = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
      .connectTimeout(Duration.ofSeconds(5)).build();

  AttachmentApiContract(TestServer.Backend backend) {
    super(backend);
  }

  private User alice;
  private User bob;
  private User carol;
  private String ws;
  private String general;
  private String secret;

  /** Alice owns workspace Acme with public #general (Bob joined) and private #secret (Alice only); Carol is an outsider. */
  private void setUp() {
    alice = user("alice");
    bob = user("bob");
    carol = user("carol");
    ws = workspace(alice, "Acme");
    addToWorkspace(alice, ws, bob, "member");
    general = channel("general", "public");
    secret = channel("secret", "private");
    put(conv(general) + "/members/" + bob.id, null, bob.token).ok(200);
  }

  private String channel(String name, String kind) {
    return api.post(ws(ws) + "/conversations", Map.of("kind", kind, "name", name), alice.token).ok(201).json().path("id").asText();
  }

  // --- HTTP helpers for raw bytes -------------------------------------------------------------

  private static String attachments(String conversation) {
    return conv(conversation) + "/attachments";
  }

  private Api.Response upload(User by, String conversation, String filename, String contentType, byte[] bytes) {
    String query = filename == null ? "" : "?filename=" + URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    HttpRequest.Builder b = request(attachments(conversation) + query, by == null ? null : by.token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  /** An upload without Content-Length (chunked), so only counting while streaming can catch its size. */
  private Api.Response uploadChunked(User by, String conversation, String filename, String contentType, byte[] bytes) {
    HttpRequest.Builder b = request(attachments(conversation) + "?filename=" + filename, by.token)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    return send(b);
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static Api.Response send(HttpRequest.Builder b) {
    return send(CLIENT, b);
  }

  private static Api.Response send(HttpClient client, HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Api.Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<byte[]> download(String url, User as) {
    return download(CLIENT, url, as);
  }

  private HttpResponse<byte[]> download(HttpClient client, String url, User as) {
    try {
      return client.send(request(url, as == null ? null : as.token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertNotFound(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).as("status of %s", new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  private Api.Response sendWith(User by, String conversation, String body, String clientId, List<String> attachmentIds) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (body != null) {
      json.put("body", body);
    }
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    json.put("attachmentIds", attachmentIds);
    return api.post(conv(conversation) + "/messages", json, by.token);
  }

  private static byte[] png(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(magic, 0, b, 0, magic.length);
    return b;
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private String uploaded(User by, String conversation, String filename, String type, byte[] content) {
    return upload(by, conversation, filename, type, content).ok(201).json().path("id").asText();
  }

  // --- what is stored ---------------------------------------------------------------------------

  private List<Path> blobFiles() {
    Path root = server.dataDir().resolve("blobs");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long attachmentRows() {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM chat_attachments")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void assertStored(int attachments) {
    assertThat(blobFiles()).as("blob files").hasSize(attachments);
    assertThat(attachmentRows()).as("attachment rows").isEqualTo(attachments);
  }

  private JsonNode historyMessage(User as, String conversation, String id) {
    for (JsonNode m : api.get(conv(conversation) + "/messages", as.token).ok(200).json().path("messages")) {
      if (m.path("id").asText().equals(id)) {
        return m;
      }
    }
    throw new AssertionError("no message " + id + " in the history of " + conversation);
  }

  // --- tests ------------------------------------------------------------------------------------

  @Test
  void anUploadDownloadsByteForByteFirstForItsUploaderOnlyThenForEveryReaderOnceSent() {
    setUp();
    byte[] image = png(300_000, 1);
    Api.Response up = upload(alice, general, "holiday photo.png", "image/png", image).ok(201);
    JsonNode a = up.json();
    String id = a.path("id").asText();
    assertThat(id).matches("[0-9]{1,19}");
    assertThat(a.path("conversationId").asText()).isEqualTo(general);
    assertThat(a.path("filename").asText()).isEqualTo("holiday photo.png");
    assertThat(a.path("contentType").asText()).isEqualTo("image/png");
    assertThat(a.path("size").asLong()).isEqualTo(image.length);
    assertInstant(a.path("createdAt"));
    assertThat(a.path("url").asText()).isEqualTo("/api/v1/attachments/" + id);
    assertThat(up.header("Location")).contains("/api/v1/attachments/" + id);

    HttpResponse<byte[]> mine = download(a.path("url").asText(), alice);
    assertThat(mine.statusCode()).isEqualTo(200);
    assertThat(mine.body()).isEqualTo(image);
    assertThat(mine.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(mine.headers().firstValue("Content-Length")).contains(Integer.toString(image.length));
    assertThat(mine.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("inline;")
        .contains("filename=\"holiday photo.png\"").contains("filename*=UTF-8''holiday%20photo.png"));
    assertThat(mine.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(mine.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
        .contains("default-src 'none'").contains("sandbox"));

    // Unclaimed: nobody but the uploader sees it, not even a member of the conversation.
    assertNotFound(download(a.path("url").asText(), bob));

    JsonNode sent = sendWith(alice, general, "look", null, List.of(id)).ok(201).json();
    assertThat(sent.path("attachments")).hasSize(1);
    JsonNode ref = sent.path("attachments").get(0);
    assertThat(ref.path("id").asText()).isEqualTo(id);
    assertThat(ref.path("filename").asText()).isEqualTo("holiday photo.png");
    assertThat(ref.path("contentType").asText()).isEqualTo("image/png");
    assertThat(ref.path("size").asLong()).isEqualTo(image.length);
    assertThat(ref.path("url").asText()).isEqualTo("/api/v1/attachments/" + id);

    HttpResponse<byte[]> theirs = download(a.path("url").asText(), bob);
    assertThat(theirs.statusCode()).isEqualTo(200);
    assertThat(theirs.body()).isEqualTo(image);
    assertThat(historyMessage(bob, general, sent.path("id").asText()).path("attachments").get(0).path("id").asText()).isEqualTo(id);
    assertThat(api.get(conv(general) + "/messages/" + sent.path("id").asText(), bob.token).ok(200).json().path("attachments"))
        .hasSize(1);
    // Messages without attachments list none.
    String plain = send(alice, general, "no files", null).ok(201).json().path("id").asText();
    JsonNode plainJson = historyMessage(bob, general, plain);
    assertThat(plainJson.path("attachments").isArray()).isTrue();
    assertThat(plainJson.path("attachments")).isEmpty();
  }

  @Test
  void onlyRasterImagesAreShownInlineAndNamesSurviveAsUtf8() {
    setUp();
    byte[] pdf = "%PDF-1.7 not really".getBytes(StandardCharsets.US_ASCII);
    String id = uploaded(alice, general, "résumé \"2024\".pdf", "application/pdf", pdf);
    HttpResponse<byte[]> r = download("/api/v1/attachments/" + id, alice);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/pdf");
    assertThat(r.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("attachment;")
        .contains("filename=\"r_sum_ _2024_.pdf\"").contains("filename*=UTF-8''r%C3%A9sum%C3%A9%20%222024%22.pdf"));
    // The type given at upload is how it is served, whatever the name says.
    String html = uploaded(alice, general, "page.html", "text/plain", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> text = download("/api/v1/attachments/" + html, alice);
    assertThat(text.headers().firstValue("Content-Type")).contains("text/plain");
    assertThat(text.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).startsWith("attachment;"));
  }

  @Test
  void anUploadOfExactlyTheLimitIsKeptWholeAndOneByteMoreIs413LeavingNothing() {
    setUp();
    byte[] exactly = bytes(MAX, 2);
    String id = uploaded(alice, general, "big.zip", "application/zip", exactly);
    HttpResponse<byte[]> back = download("/api/v1/attachments/" + id, alice);
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(back.body()).isEqualTo(exactly);
    assertStored(1);

    byte[] over = bytes(MAX + 1, 3);
    upload(alice, general, "bigger.zip", "application/zip", over).problem(413, "payload-too-large");
    // Without Content-Length the limit is enforced while streaming.
    uploadChunked(alice, general, "bigger.zip", "application/zip", over).problem(413, "payload-too-large");
    assertStored(1);
    // The connection and the server are fine afterwards.
    uploaded(alice, general, "small.zip", "application/zip", bytes(10, 4));
    assertStored(2);
  }

  @Test
  void typesNotAllowedAre415AndBadUploadsAre400LeavingNothing() {
    setUp();
    for (String type : List.of("application/x-msdownload", "text/html", "image/svg+xml", "application/octet-stream", "nonsense")) {
      upload(alice, general, "f.bin", type, bytes(100, 5)).problem(415, "unsupported-media-type");
    }
    upload(alice, general, "f.bin", null, bytes(100, 5)).problem(415, "unsupported-media-type");
    // A whole top-level type may be allowed (audio/* by default), parameters do not matter.
    uploaded(alice, general, "voice.ogg", "audio/ogg", bytes(100, 6));
    uploaded(alice, general, "notes.txt", "text/plain; charset=utf-8", "hello".getBytes(StandardCharsets.UTF_8));
    assertStored(2);

    upload(alice, general, "empty.txt", "text/plain", new byte[0]).problem(400, "empty-attachment");
    upload(alice, general, null, "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "  ", "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "../../etc/passwd", "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "a\\b.txt", "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "bad\u0007name.txt", "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "evil\u202Etxt.exe", "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "..", "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "x".repeat(256), "text/plain", bytes(10, 7)).problem(400, "invalid-input");
    upload(alice, general, "x".repeat(255), "text/plain", bytes(10, 7)).ok(201);
    // Image types must look like the image they claim to be.
    upload(alice, general, "fake.png", "image/png", "GIF89a....".getBytes(StandardCharsets.US_ASCII)).problem(400, "content-type-mismatch");
    upload(alice, general, "real.gif", "image/gif", "GIF89a....".getBytes(StandardCharsets.US_ASCII)).ok(201);
    assertStored(4);
  }

  @Test
  void onlyMembersWhoMayPostUploadAndOnlyReadersDownloadEveryoneElseGets404() {
    setUp();
    byte[] content = bytes(1000, 8);
    // Carol is not in the workspace; Bob cannot see the private channel.
    upload(carol, general, "f.txt", "text/plain", content).problem(404, "conversation-not-found");
    upload(bob, secret, "f.txt", "text/plain", content).problem(404, "conversation-not-found");
    upload(null, general, "f.txt", "text/plain", content).problem(401, "missing-token");
    String random = channel("random", "public");
    upload(bob, random, "f.txt", "text/plain", content).problem(403, "not-a-member");
    upload(new User(bob.id, apiToken(bob, "chat:read"), bob.username), general, "f.txt", "text/plain", content)
        .problem(403, "insufficient-scope");
    assertStored(0);

    String inSecret = uploaded(alice, secret, "plan.txt", "text/plain", content);
    String message = sendWith(alice, secret, "", null, List.of(inSecret)).ok(201).json().path("id").asText();
    assertThat(message).isNotEmpty();
    assertThat(download("/api/v1/attachments/" + inSecret, alice).statusCode()).isEqualTo(200);
    assertNotFound(download("/api/v1/attachments/" + inSecret, bob));
    assertNotFound(download("/api/v1/attachments/" + inSecret, carol));
    assertThat(download("/api/v1/attachments/" + inSecret, null).statusCode()).isEqualTo(401);
    assertNotFound(download("/api/v1/attachments/123456789", alice));
    assertNotFound(download("/api/v1/attachments/not-an-id", alice));

    // Someone who leaves a private conversation loses access to its files, their own included.
    String shared = uploaded(alice, general, "shared.txt", "text/plain", content);
    sendWith(alice, general, "here", null, List.of(shared)).ok(201);
    assertThat(download("/api/v1/attachments/" + shared, bob).statusCode()).isEqualTo(200);
    put(conv(secret) + "/members/" + bob.id, null, alice.token).ok(200);
    assertThat(download("/api/v1/attachments/" + inSecret, bob).statusCode()).isEqualTo(200);
    assertThat(api.delete(conv(secret) + "/members/" + bob.id, bob.token).status()).isEqualTo(204);
    assertNotFound(download("/api/v1/attachments/" + inSecret, bob));
  }

  @Test
  void aMessageClaimsOnlyUnclaimedAttachmentsItsSenderUploadedToItsConversation() {
    setUp();
    String bobs = uploaded(bob, general, "bob.txt", "text/plain", bytes(10, 9));
    String elsewhere = uploaded(alice, secret, "secret.txt", "text/plain", bytes(10, 10));
    String mine = uploaded(alice, general, "mine.txt", "text/plain", bytes(10, 11));

    assertThat(sendWith(alice, general, "x", null, List.of(mine, bobs)).problem(400, "invalid-input")
        .json().path("errors").get(0).path("field").asText()).isEqualTo("attachmentIds[1]");
    sendWith(alice, general, "x", null, List.of(elsewhere)).problem(400, "invalid-input");
    sendWith(alice, general, "x", null, List.of("987654321")).problem(400, "invalid-input");
    sendWith(alice, general, "x", null, List.of("abc")).problem(400, "invalid-input");
    sendWith(alice, general, "x", null, List.of(mine, mine)).problem(400, "invalid-input");
    List<String> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add(uploaded(alice, general, "f" + i + ".txt", "text/plain", bytes(10, 20 + i)));
    }
    sendWith(alice, general, "x", null, eleven).problem(400, "invalid-input");
    // A message needs a body or an attachment.
    sendWith(alice, general, "   ", null, List.of()).problem(400, "invalid-input");

    // Nothing was claimed by the refused sends: all of it can still be sent, once, body optional.
    JsonNode sent = sendWith(alice, general, null, null, List.of(mine)).ok(201).json();
    assertThat(sent.path("body").asText()).isEmpty();
    assertThat(sent.path("attachments")).hasSize(1);
    JsonNode ten = sendWith(alice, general, "ten", null, eleven.subList(0, 10)).ok(201).json();
    assertThat(ten.path("attachments")).hasSize(10);
    List<String> order = new ArrayList<>();
    ten.path("attachments").forEach(a -> order.add(a.path("id").asText()));
    assertThat(order).containsExactlyElementsOf(eleven.subList(0, 10));

    sendWith(alice, general, "again", null, List.of(mine)).problem(409, "attachment-in-use");
    sendWith(bob, general, "mine now", null, List.of(mine)).problem(400, "invalid-input");
    sendWith(alice, secret, "moved", null, List.of(mine)).problem(400, "invalid-input");
  }

  @Test
  void twoSendsRacingForOneAttachmentGetItOnce() throws Exception {
    setUp();
    String id = uploaded(alice, general, "contended.txt", "text/plain", bytes(10, 12));
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      calls.add(() -> sendWith(alice, general, "try " + n, null, List.of(id)).status());
    }
    List<Integer> statuses = together(calls);
    assertThat(statuses).containsOnly(201, 409);
    assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
    long withIt = 0;
    for (JsonNode m : api.get(conv(general) + "/messages", alice.token).ok(200).json().path("messages")) {
      withIt += m.path("attachments").size();
    }
    assertThat(withIt).isEqualTo(1);
  }

  @Test
  void aRetriedSendWithTheSameClientIdIsANoOpThatAnswersTheOriginal() {
    setUp();
    String first = uploaded(alice, general, "a.txt", "text/plain", bytes(10, 13));
    JsonNode original = sendWith(alice, general, "with file", "c-1", List.of(first)).ok(201).json();
    JsonNode retry = sendWith(alice, general, "with file", "c-1", List.of(first)).ok(200).json();
    assertThat(retry.path("id").asText()).isEqualTo(original.path("id").asText());
    assertThat(retry.path("attachments").get(0).path("id").asText()).isEqualTo(first);
    // A retry naming another attachment changes nothing; that attachment stays free.
    String second = uploaded(alice, general, "b.txt", "text/plain", bytes(10, 14));
    JsonNode retry2 = sendWith(alice, general, "with file", "c-1", List.of(second)).ok(200).json();
    assertThat(retry2.path("id").asText()).isEqualTo(original.path("id").asText());
    assertThat(retry2.path("attachments")).hasSize(1);
    assertThat(sendWith(alice, general, "other", null, List.of(second)).ok(201).json().path("attachments").get(0).path("id").asText())
        .isEqualTo(second);
    assertThat(api.get(conv(general) + "/messages", alice.token).ok(200).json().path("messages")).hasSize(2);
  }

  @Test
  void deletingAMessageDeletesItsAttachmentsFromStorage() {
    setUp();
    String a = uploaded(alice, general, "a.txt", "text/plain", bytes(5000, 15));
    String b = uploaded(alice, general, "b.png", "image/png", png(5000, 16));
    String keep = uploaded(alice, general, "keep.txt", "text/plain", bytes(10, 17));
    String message = sendWith(alice, general, "two files", null, List.of(a, b)).ok(201).json().path("id").asText();
    sendWith(alice, general, "kept", null, List.of(keep)).ok(201);
    assertStored(3);

    assertThat(api.delete(conv(general) + "/messages/" + message, alice.token).status()).isEqualTo(204);
    assertStored(1);
    assertNotFound(download("/api/v1/attachments/" + a, alice));
    assertNotFound(download("/api/v1/attachments/" + b, bob));
    assertThat(historyMessage(bob, general, message).path("attachments")).isEmpty();
    assertThat(download("/api/v1/attachments/" + keep, bob).statusCode()).isEqualTo(200);
  }

  @Test
  void repliesCarryAttachmentsInTheThreadView() {
    setUp();
    String root = send(alice, general, "root", null).ok(201).json().path("id").asText();
    String file = uploaded(bob, general, "reply.txt", "text/plain", bytes(10, 18));
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("body", "see file");
    reply.put("threadRootId", root);
    reply.put("attachmentIds", List.of(file));
    api.post(conv(general) + "/messages", reply, bob.token).ok(201);
    JsonNode thread = api.get(conv(general) + "/messages/" + root + "/thread", alice.token).ok(200).json();
    assertThat(thread.path("root").path("attachments")).isEmpty();
    assertThat(thread.path("replies").get(0).path("attachments").get(0).path("id").asText()).isEqualTo(file);
    assertThat(download("/api/v1/attachments/" + file, alice).statusCode()).isEqualTo(200);
  }

  @Test
  void messageEventsCarryTheAttachments() throws Exception {
    setUp();
    java.util.concurrent.BlockingQueue<JsonNode> events = new java.util.concurrent.LinkedBlockingQueue<>();
    try (var subscription = server.server().bus().subscribe("chat.conversation." + general, m -> {
      try {
        events.add(io.ultrachat.kernel.json.Json.mapper().readTree(m.payload()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    })) {
      String id = uploaded(alice, general, "event.txt", "text/plain", bytes(10, 25));
      String message = sendWith(alice, general, "with file", null, List.of(id)).ok(201).json().path("id").asText();
      JsonNode created = events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(created).isNotNull();
      assertThat(created.path("type").asText()).isEqualTo("message.created");
      assertThat(created.path("message").path("attachments").get(0).path("id").asText()).isEqualTo(id);
      assertThat(created.path("message").path("attachments").get(0).path("url").asText()).isEqualTo("/api/v1/attachments/" + id);
      api.patch(conv(general) + "/messages/" + message, Map.of("body", "edited"), alice.token).ok(200);
      JsonNode edited = events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(edited.path("type").asText()).isEqualTo("message.edited");
      assertThat(edited.path("message").path("attachments")).hasSize(1);
      assertThat(api.delete(conv(general) + "/messages/" + message, alice.token).status()).isEqualTo(204);
      JsonNode deleted = events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(deleted.path("type").asText()).isEqualTo("message.deleted");
      assertThat(deleted.path("message").path("attachments")).isEmpty();
    }
  }

  @Test
  void unclaimedUploadsArePurgedAfterADaySentOnesStay() {
    setUp();
    String sent = uploaded(alice, general, "sent.txt", "text/plain", bytes(10, 19));
    sendWith(alice, general, "kept", null, List.of(sent)).ok(201);
    String recent = uploaded(alice, general, "recent.txt", "text/plain", bytes(10, 20));
    clock.advance(Duration.ofHours(23));
    String fresh = uploaded(login(alice), general, "fresh.txt", "text/plain", bytes(10, 21));
    server.server().chat().orElseThrow().maintain();
    assertStored(3);

    clock.advance(Duration.ofHours(2));
    server.server().chat().orElseThrow().maintain();
    assertStored(2);
    User again = login(alice);
    assertNotFound(download("/api/v1/attachments/" + recent, again));
    assertThat(download("/api/v1/attachments/" + fresh, again).statusCode()).isEqualTo(200);
    assertThat(download("/api/v1/attachments/" + sent, login(bob)).statusCode()).isEqualTo(200);
  }

  @Test
  void uploadsAndDownloadsWorkTheSameOverHttp2() {
    setUp();
    byte[] content = bytes(MAX, 23);
    HttpRequest.Builder up = request(attachments(general) + "?filename=h2.zip", alice.token)
        .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(content));
    String id = send(H2C, up).ok(201).json().path("id").asText();
    HttpResponse<byte[]> back = download(H2C, "/api/v1/attachments/" + id, alice);
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(back.body()).isEqualTo(content);
    byte[] over = bytes(MAX + 1, 24);
    HttpRequest.Builder tooBig = request(attachments(general) + "?filename=h2.zip", alice.token)
        .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(over)));
    send(H2C, tooBig).problem(413, "payload-too-large");
    assertStored(1);
  }

  @Test
  void aClientThatExpectsContinueSendsItsBodyOnlyAfterTheChecks() {
    setUp();
    byte[] content = bytes(200_000, 22);
    HttpRequest.Builder ok = request(attachments(general) + "?filename=c.zip", alice.token).expectContinue(true)
        .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(content));
    String id = send(ok).ok(201).json().path("id").asText();
    assertThat(download("/api/v1/attachments/" + id, alice).body()).isEqualTo(content);
    HttpRequest.Builder refused = request(attachments(general) + "?filename=c.zip", carol.token).expectContinue(true)
        .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(content));
    send(refused).problem(404, "conversation-not-found");
    assertStored(1);
  }
}
