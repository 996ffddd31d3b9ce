package io.ultrachat.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web client's files, read from the classpath once and kept in memory with an ETag.
 * Only plain file names are served (no {@code ..}, no hidden files), and only files that
 * exist; the set is small and fixed at build time, so the map stays bounded.
 */
public final class StaticContent {
  /** One file ready to send. */
  public record Asset(byte[] bytes, String contentType, String etag) {}

  private static final Pattern SAFE = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "json", "application/json",
      "webmanifest", "application/manifest+json",
      "txt", "text/plain; charset=utf-8");

  private final String root;
  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  /** @param root classpath folder, e.g. {@code META-INF/ultrachat/web} */
  public StaticContent(String root) {
    this.root = root;
  }

  public Optional<Asset> find(String path) {
    String p = "/".equals(path) ? "/index.html" : path;
    if (!SAFE.matcher(p).matches() || p.contains("..")) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(p, this::load);
  }

  private Optional<Asset> load(String path) {
    String ext = path.substring(path.lastIndexOf('.') + 1);
    String type = TYPES.get(ext);
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = StaticContent.class.getClassLoader().getResourceAsStream(root + path)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
      return Optional.of(new Asset(bytes, type, etag));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
