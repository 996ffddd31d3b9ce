package io.ultrachat.auth.remote;

import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.auth.api.UserSummary;
import io.ultrachat.auth.internal.InternalApi;
import io.ultrachat.kernel.error.Unavailable;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link UserDirectory} of a node that does not run the Auth service: asks it over HTTP
 * ({@link InternalApi#USER_BY_ID}, {@link InternalApi#USER_BY_USERNAME}).
 *
 * <p>Answers, "no such user" included, are remembered for {@code ttl} (a few seconds): chat asks
 * for the same users over and over, and a deactivation or rename then shows within {@code ttl}.
 * Thread-safe; blocks on a miss, so call it on a virtual thread.
 *
 * @see AuthServiceClient for timeouts and retries
 */
public final class RemoteUserDirectory implements UserDirectory {
  /** The shape of any username the Auth service accepts; anything else cannot exist, so no call is made. */
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final long MAX_ENTRIES = 100_000;

  private final AuthServiceClient client;
  private final RemoteAnswers<Long, Optional<UserSummary>> byId;
  private final RemoteAnswers<String, Optional<UserSummary>> byUsername;

  /**
   * @param ttl how long answers are remembered ({@code auth.remote.user-cache-ttl})
   */
  public RemoteUserDirectory(AuthServiceClient client, Clock clock, Duration ttl) {
    this.client = client;
    this.byId = new RemoteAnswers<>(clock, ttl, MAX_ENTRIES);
    this.byUsername = new RemoteAnswers<>(clock, ttl, MAX_ENTRIES);
  }

  /**
   * @throws Unavailable if the Auth service cannot be reached or fails (a retryable 503 at the edge)
   */
  @Override
  public Optional<UserSummary> findById(long userId) {
    if (userId <= 0) {
      return Optional.empty();
    }
    return byId.get(userId, id -> client.get(InternalApi.USER_BY_ID.replace("{userId}", Long.toString(id)), UserSummary.class));
  }

  /**
   * @throws Unavailable if the Auth service cannot be reached or fails (a retryable 503 at the edge)
   */
  @Override
  public Optional<UserSummary> findByUsername(String username) {
    if (!USERNAME.matcher(username).matches()) {
      return Optional.empty();
    }
    return byUsername.get(username.toLowerCase(Locale.ROOT), name -> client.get(
        InternalApi.USER_BY_USERNAME.replace("{username}", AuthServiceClient.segment(name)), UserSummary.class));
  }
}
