package io.ultrachat.kernel.http;

import java.util.Set;

/** The scopes an API token may carry. A login session implicitly carries all of them. */
public final class Scopes {
  public static final String USERS_READ = "users:read";
  public static final String USERS_WRITE = "users:write";
  public static final String CHAT_READ = "chat:read";
  public static final String CHAT_WRITE = "chat:write";

  /** Every scope a token may be granted, in documentation order. */
  public static final Set<String> ALL = Set.of(USERS_READ, USERS_WRITE, CHAT_READ, CHAT_WRITE);

  private Scopes() {}
}
