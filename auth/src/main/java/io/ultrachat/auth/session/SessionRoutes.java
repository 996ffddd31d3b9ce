package io.ultrachat.auth.session;

import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sign-in, refresh, sign-out, session listing and password change. */
public final class SessionRoutes implements ServiceEndpoints {
  record LoginRequest(String username, String password) {}

  record RefreshRequest(String refreshToken) {}

  record ChangePasswordRequest(String currentPassword, String newPassword) {}

  record SessionView(String id, Instant createdAt, Instant lastUsedAt, Instant expiresAt, String userAgent, String clientAddress,
      boolean current) {}

  private final SessionService sessions;

  public SessionRoutes(SessionService sessions) {
    this.sessions = sessions;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(HttpMethod.POST, "/api/v1/auth/login", Access.open(), Endpoint.RateLimitClass.AUTH, this::login),
        new Endpoint(HttpMethod.POST, "/api/v1/auth/refresh", Access.open(), Endpoint.RateLimitClass.AUTH,
            r -> ApiResponse.ok(TokensView.of(sessions.refresh(r.body(RefreshRequest.class).refreshToken())))),
        Endpoint.of(HttpMethod.POST, "/api/v1/auth/logout", Access.userSession(), this::logout),
        Endpoint.of(HttpMethod.GET, "/api/v1/auth/sessions", Access.userSession(), this::list),
        Endpoint.of(HttpMethod.DELETE, "/api/v1/auth/sessions/{sessionId}", Access.userSession(), this::revoke),
        new Endpoint(HttpMethod.POST, "/api/v1/auth/password", Access.userSession(), Endpoint.RateLimitClass.AUTH, this::changePassword));
  }

  private ApiResponse login(ApiRequest r) {
    LoginRequest body = r.body(LoginRequest.class);
    SessionService.ClientInfo client = new SessionService.ClientInfo(r.header("User-Agent").orElse(""), r.clientAddress());
    return ApiResponse.ok(TokensView.of(sessions.login(body.username(), body.password(), client)));
  }

  private ApiResponse logout(ApiRequest r) {
    sessions.logout(currentSession(r.requirePrincipal()));
    return ApiResponse.noContent();
  }

  private ApiResponse list(ApiRequest r) {
    Principal p = r.requirePrincipal();
    long current = currentSession(p);
    List<SessionView> views = sessions.list(p.userId()).stream()
        .map(s -> new SessionView(Long.toString(s.id()), s.createdAt(), s.lastUsedAt(), s.expiresAt(), s.userAgent(),
            s.clientAddress(), s.id() == current))
        .toList();
    return ApiResponse.ok(Map.of("sessions", views));
  }

  private ApiResponse revoke(ApiRequest r) {
    long id = Ids.parsePathId(r.pathParam("sessionId"), "session");
    sessions.revokeOwn(r.requirePrincipal().userId(), id);
    return ApiResponse.noContent();
  }

  private ApiResponse changePassword(ApiRequest r) {
    ChangePasswordRequest body = r.body(ChangePasswordRequest.class);
    Principal p = r.requirePrincipal();
    sessions.changePassword(p.userId(), currentSession(p), body.currentPassword(), body.newPassword());
    return ApiResponse.noContent();
  }

  private static long currentSession(Principal p) {
    return p.sessionId().orElseThrow(() -> new IllegalStateException("user-session endpoint reached without a session"));
  }
}
