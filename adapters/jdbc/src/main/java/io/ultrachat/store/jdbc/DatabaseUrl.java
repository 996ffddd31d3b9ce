package io.ultrachat.store.jdbc;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A database location as an operator writes it, normalised to JDBC. Accepts
 * {@code postgresql://user:password@host:port/db?params} (libpq style, also
 * {@code postgres://}), a JDBC URL ({@code jdbc:postgresql:...}, {@code jdbc:sqlite:...}), or
 * {@code sqlite:path}.
 *
 * @param jdbcUrl the URL handed to the driver, without credentials
 * @param dialect which SQL the database speaks
 * @param user the user, if the URL named one
 * @param password the password, if the URL named one; never logged
 */
public record DatabaseUrl(String jdbcUrl, Dialect dialect, Optional<String> user, Optional<String> password) {

  public static DatabaseUrl sqliteFile(Path file) {
    return new DatabaseUrl("jdbc:sqlite:" + file.toAbsolutePath(), Dialect.SQLITE, Optional.empty(), Optional.empty());
  }

  /**
   * @throws IllegalArgumentException naming what is wrong, without echoing a password
   */
  public static DatabaseUrl parse(String raw) {
    String url = raw.trim();
    if (url.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(url, Dialect.POSTGRESQL, Optional.empty(), Optional.empty());
    }
    if (url.startsWith("jdbc:sqlite:")) {
      return new DatabaseUrl(url, Dialect.SQLITE, Optional.empty(), Optional.empty());
    }
    if (url.startsWith("sqlite:")) {
      return sqliteFile(Path.of(url.substring("sqlite:".length())));
    }
    if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("database URL is not a valid postgresql:// URL");
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("database URL must name a host, as in postgresql://user:password@host:5432/db");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (path.length() <= 1) {
        throw new IllegalArgumentException("database URL must name a database, as in postgresql://user:password@host:5432/db");
      }
      int port = uri.getPort() == -1 ? 5432 : uri.getPort();
      String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      Optional<String> user = Optional.empty();
      Optional<String> password = Optional.empty();
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = Optional.of(decode(parts[0]));
        if (parts.length == 2) {
          password = Optional.of(decode(parts[1]));
        }
      }
      return new DatabaseUrl(jdbc, Dialect.POSTGRESQL, user, password);
    }
    throw new IllegalArgumentException(
        "database URL must start with postgresql://, jdbc:postgresql:, jdbc:sqlite: or sqlite: (got a URL starting '"
            + url.substring(0, Math.min(12, url.length())) + "')");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** For logs: the JDBC URL, which never holds the password. */
  @Override
  public String toString() {
    return jdbcUrl;
  }
}
