package io.ultrachat.auth.session;

import io.ultrachat.kernel.secret.OpaqueTokens;
import io.ultrachat.auth.account.AccountService;
import io.ultrachat.auth.account.User;
import io.ultrachat.auth.account.UserStore;
import io.ultrachat.auth.password.PasswordHasher;
import io.ultrachat.auth.token.AccessTokens;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, refresh, sign-out and session management.
 *
 * <p>A session lives {@code maxAge} from its creation or last renewal. A refresh returns a new
 * access token; when less than {@code renewBefore} of the session remains, it also renews the
 * session and rotates the refresh token. Presenting a rotated refresh token again means it was
 * copied: the whole session is revoked.
 */
public final class SessionService {
  private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
  private static final String REFRESH_PREFIX = "ucr_";
  private static final int USER_AGENT_MAX = 256;

  private final UserStore users;
  private final SessionStore sessions;
  private final AccountService accounts;
  private final PasswordHasher hasher;
  private final AccessTokens accessTokens;
  private final LoginThrottle throttle;
  private final SessionRevocations revocations;
  private final IdGenerator ids;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration renewBefore;
  private final int maxSessions;

  public SessionService(UserStore users, SessionStore sessions, AccountService accounts, PasswordHasher hasher,
      AccessTokens accessTokens, LoginThrottle throttle, SessionRevocations revocations, IdGenerator ids, Clock clock,
      Duration maxAge, Duration renewBefore, int maxSessions) {
    this.users = users;
    this.sessions = sessions;
    this.accounts = accounts;
    this.hasher = hasher;
    this.accessTokens = accessTokens;
    this.throttle = throttle;
    this.revocations = revocations;
    this.ids = ids;
    this.clock = clock;
    this.maxAge = maxAge;
    this.renewBefore = renewBefore;
    this.maxSessions = maxSessions;
  }

  /** Where a request came from, recorded on the session so people recognise their devices. */
  public record ClientInfo(String userAgent, String address) {
    public ClientInfo {
      userAgent = userAgent == null ? "" : userAgent.length() > USER_AGENT_MAX ? userAgent.substring(0, USER_AGENT_MAX) : userAgent;
      address = address == null ? "" : address;
    }
  }

  public IssuedTokens login(String username, String password, ClientInfo client) {
    Input.required("username", username, 1, 64);
    Input.required("password", password, 1, AccountService.PASSWORD_MAX);
    throttle.checkAllowed(username);
    Optional<User> found = users.findByUsername(username).filter(u -> u.active() && !u.isBot());
    if (found.isEmpty() || found.get().passwordHash().isEmpty()) {
      hasher.verifyDummy(password);
      throttle.recordFailure(username);
      throw new Unauthenticated("invalid-credentials", "the username or password is not correct");
    }
    User user = found.get();
    if (!hasher.verify(password, user.passwordHash().get())) {
      throttle.recordFailure(username);
      throw new Unauthenticated("invalid-credentials", "the username or password is not correct");
    }
    throttle.recordSuccess(username);
    if (hasher.needsRehash(user.passwordHash().get())) {
      users.updatePasswordHash(user.id(), hasher.hash(password), Clocks.nowMillis(clock));
    }
    return startSession(user, client);
  }

  /** Opens a session for a person who has just proved who they are (sign-in or registration). */
  public IssuedTokens startSession(User user, ClientInfo client) {
    Instant now = Clocks.nowMillis(clock);
    String refresh = OpaqueTokens.generate(REFRESH_PREFIX);
    Session session = new Session(ids.next(), user.id(), now, now.plus(maxAge), now, Optional.empty(), Optional.empty(),
        client.userAgent(), client.address());
    sessions.create(session, OpaqueTokens.hash(refresh));
    enforceSessionLimit(user.id(), now);
    return tokens(user, session, refresh);
  }

  private void enforceSessionLimit(long userId, Instant now) {
    List<Session> live = sessions.listLive(userId, now);
    for (int i = maxSessions; i < live.size(); i++) {
      revoke(live.get(i).id(), "session-limit");
    }
  }

  public IssuedTokens refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isEmpty()) {
      throw InvalidInput.field("refreshToken", "is required");
    }
    if (refreshToken.length() > 128) {
      throw new Unauthenticated("invalid-refresh-token", "the refresh token is not valid");
    }
    String hash = OpaqueTokens.hash(refreshToken);
    RefreshTokenState state = sessions.findByRefreshTokenHash(hash)
        .orElseThrow(() -> new Unauthenticated("invalid-refresh-token", "the refresh token is not valid"));
    Session session = state.session();
    Instant now = Clocks.nowMillis(clock);
    if (state.rotated()) {
      if (revoke(session.id(), "refresh-token-reuse")) {
        LOG.warn("refresh token reuse on session {} of user {}; session revoked", session.id(), session.userId());
      }
      throw new Unauthenticated("refresh-token-reused", "this refresh token was already used; the session has been ended");
    }
    if (session.revokedAt().isPresent()) {
      throw new Unauthenticated("session-revoked", "the session has been ended");
    }
    if (!now.isBefore(session.expiresAt())) {
      throw new Unauthenticated("session-expired", "the session has expired; sign in again");
    }
    User user = users.findById(session.userId()).filter(User::active)
        .orElseThrow(() -> new Unauthenticated("session-revoked", "the session has been ended"));
    if (Duration.between(now, session.expiresAt()).compareTo(renewBefore) < 0) {
      String next = OpaqueTokens.generate(REFRESH_PREFIX);
      Instant newExpiry = now.plus(maxAge);
      if (!sessions.rotateRefreshToken(session.id(), hash, OpaqueTokens.hash(next), newExpiry, now)) {
        revoke(session.id(), "refresh-token-reuse");
        throw new Unauthenticated("refresh-token-reused", "this refresh token was already used; the session has been ended");
      }
      Session renewed = new Session(session.id(), session.userId(), session.createdAt(), newExpiry, now, Optional.empty(),
          Optional.empty(), session.userAgent(), session.clientAddress());
      return tokens(user, renewed, next);
    }
    sessions.touch(session.id(), now);
    return tokens(user, session, refreshToken);
  }

  private IssuedTokens tokens(User user, Session session, String refresh) {
    String access = accessTokens.issue(user.id(), user.username(), user.admin(), session.id());
    return new IssuedTokens(access, refresh, accessTokens.ttl().toSeconds(), "Bearer", session.id(), session.expiresAt(), user);
  }

  public List<Session> list(long userId) {
    return sessions.listLive(userId, clock.instant());
  }

  /** Ends one of the user's own sessions. @throws NotFound if it is not theirs or not live */
  public void revokeOwn(long userId, long sessionId) {
    Session s = sessions.findById(sessionId).filter(x -> x.userId() == userId && x.isLive(clock.instant()))
        .orElseThrow(() -> new NotFound("session-not-found", "session not found"));
    revoke(s.id(), "revoked-by-user");
  }

  public void logout(long sessionId) {
    revoke(sessionId, "logout");
  }

  /** Changes the password and ends every other session of the user. */
  public void changePassword(long userId, long currentSessionId, String currentPassword, String newPassword) {
    User user = accounts.require(userId);
    throttle.checkAllowed(user.username());
    try {
      accounts.changePassword(userId, currentPassword, newPassword);
    } catch (io.ultrachat.kernel.error.Forbidden wrong) {
      throttle.recordFailure(user.username());
      throw wrong;
    }
    revokeAllOfUser(userId, currentSessionId, "password-changed");
  }

  /** Ends every session of a user except {@code keep} (0 for none). */
  public void revokeAllOfUser(long userId, long keep, String reason) {
    for (long id : sessions.revokeAllOfUser(userId, keep, reason, Clocks.nowMillis(clock))) {
      revocations.add(id);
    }
  }

  private boolean revoke(long sessionId, String reason) {
    revocations.add(sessionId);
    return sessions.revoke(sessionId, reason, Clocks.nowMillis(clock));
  }

  public boolean isRevoked(long sessionId) {
    return revocations.contains(sessionId);
  }

  /**
   * Ids of sessions revoked at or after {@code since}, for nodes of a split deployment that warm
   * their own revocation set from the Auth service.
   */
  public List<Long> revokedSince(Instant since) {
    return sessions.revokedSince(since);
  }

  /** Loads the recently revoked sessions into the edge check after a start. */
  public void warmRevocations(Duration lookBack) {
    for (long id : sessions.revokedSince(clock.instant().minus(lookBack))) {
      revocations.remember(id);
    }
  }
}
