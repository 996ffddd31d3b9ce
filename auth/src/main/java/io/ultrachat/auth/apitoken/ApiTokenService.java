package io.ultrachat.auth.apitoken;

import io.ultrachat.kernel.secret.OpaqueTokens;
import io.ultrachat.auth.account.User;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Scoped API tokens for people and their bots. The secret ({@code uct_…}) is returned once at
 * creation and only its hash is kept. A person manages their own tokens and those of the bots
 * they own; anyone else's token is reported as not found.
 */
public final class ApiTokenService {
  public static final String PREFIX = "uct_";
  public static final int NAME_MAX = 64;
  public static final int MAX_EXPIRY_DAYS = 3650;

  private final ApiTokenStore tokens;
  private final UserStore users;
  private final IdGenerator ids;
  private final Clock clock;
  private final int maxTokensPerUser;
  private final ApiTokenCache cache;

  public ApiTokenService(ApiTokenStore tokens, UserStore users, IdGenerator ids, Clock clock, int maxTokensPerUser, ApiTokenCache cache) {
    this.tokens = tokens;
    this.users = users;
    this.ids = ids;
    this.clock = clock;
    this.maxTokensPerUser = maxTokensPerUser;
    this.cache = cache;
  }

  /** A token as created: the record plus its secret, which is never available again. */
  public record Created(ApiToken token, String secret) {}

  /**
   * Creates a token for {@code holder} (the caller or one of their bots).
   *
   * @param expiresInDays empty for a token that does not expire
   */
  public Created create(long createdBy, long holder, String name, List<String> scopes, Optional<Integer> expiresInDays) {
    String label = Input.label("name", name, NAME_MAX);
    Set<String> granted = validateScopes(scopes);
    if (expiresInDays.isPresent() && (expiresInDays.get() < 1 || expiresInDays.get() > MAX_EXPIRY_DAYS)) {
      throw InvalidInput.field("expiresInDays", "must be between 1 and " + MAX_EXPIRY_DAYS);
    }
    Instant now = Clocks.nowMillis(clock);
    if (tokens.countUsable(holder, now) >= maxTokensPerUser) {
      throw new Conflict("token-limit-reached", "at most " + maxTokensPerUser + " active API tokens are allowed; revoke one first");
    }
    String secret = OpaqueTokens.generate(PREFIX);
    ApiToken token = new ApiToken(ids.next(), holder, label, OpaqueTokens.hash(secret), granted, createdBy, now,
        expiresInDays.map(d -> now.plus(Duration.ofDays(d))), Optional.empty(), Optional.empty());
    tokens.insert(token);
    return new Created(token, secret);
  }

  private static Set<String> validateScopes(List<String> scopes) {
    if (scopes == null || scopes.isEmpty()) {
      throw InvalidInput.field("scopes", "must name at least one of " + String.join(", ", sorted(Scopes.ALL)));
    }
    if (scopes.size() > Scopes.ALL.size()) {
      throw InvalidInput.field("scopes", "must not repeat scopes");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String s : scopes) {
      if (s == null || !Scopes.ALL.contains(s)) {
        throw InvalidInput.field("scopes", "unknown scope '" + s + "'; known scopes are " + String.join(", ", sorted(Scopes.ALL)));
      }
      if (!out.add(s)) {
        throw InvalidInput.field("scopes", "must not repeat scopes");
      }
    }
    return out;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  public List<ApiToken> list(long holder) {
    return tokens.listUnrevoked(holder);
  }

  /** Revokes a token the caller holds or that belongs to one of the caller's bots. */
  public void revoke(long callerId, long tokenId) {
    ApiToken token = tokens.findById(tokenId).filter(t -> t.revokedAt().isEmpty() && mayManage(callerId, t.userId()))
        .orElseThrow(() -> new NotFound("token-not-found", "API token not found"));
    tokens.revoke(token.id(), Clocks.nowMillis(clock));
    cache.invalidate(token.tokenHash());
  }

  /** Revokes every token of a holder (a bot being deleted). */
  public void revokeAll(long holder) {
    tokens.revokeAllOfUser(holder, Clocks.nowMillis(clock));
    cache.invalidateAll();
  }

  private boolean mayManage(long callerId, long holder) {
    if (holder == callerId) {
      return true;
    }
    return users.findById(holder).flatMap(User::ownerId).map(owner -> owner == callerId).orElse(false);
  }
}
