package io.ultrachat.kernel.http;

import java.util.Objects;

/**
 * Who may call an endpoint. The gateway enforces this before the handler runs, so handlers
 * only add the rules that depend on the resource (ownership, membership).
 *
 * @param kind the kind of caller admitted
 * @param scope for {@link Kind#SCOPED}, the scope an API token must carry (login sessions
 *     carry every scope); empty otherwise
 */
public record Access(Kind kind, String scope) {
  public enum Kind {
    /** Anyone, no token needed. */
    PUBLIC,
    /** Any authenticated caller whose credentials carry {@link #scope()}. */
    SCOPED,
    /** Only a person's own login session: managing sessions, passwords and tokens is never delegated. */
    USER_SESSION,
    /** A person's login session with the admin role. */
    ADMIN,
    /**
     * Another UltraChat service of the same cluster, proven by a signed {@code Authorization:
     * Service …} header ({@link ServiceCredentials}), never by a user's token. Internal routes
     * ({@code /internal/v1/…}) only; such calls count against no user's rate limit.
     */
    SERVICE
  }

  public Access {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scope, "scope");
  }

  public static Access open() {
    return new Access(Kind.PUBLIC, "");
  }

  public static Access scoped(String scope) {
    return new Access(Kind.SCOPED, scope);
  }

  public static Access userSession() {
    return new Access(Kind.USER_SESSION, "");
  }

  public static Access admin() {
    return new Access(Kind.ADMIN, "");
  }

  public static Access service() {
    return new Access(Kind.SERVICE, "");
  }
}
