package io.ultrachat.auth.account;

import io.ultrachat.auth.session.SessionService;
import io.ultrachat.auth.session.TokensView;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Scopes;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Registration, profiles and the admin role. */
public final class AccountRoutes implements ServiceEndpoints {
  record RegisterRequest(String username, String password, String displayName) {}

  record UpdateProfileRequest(String displayName) {}

  record UpdateUserAdminRequest(Boolean admin) {}

  private final AccountService accounts;
  private final SessionService sessions;
  private final boolean registrationOpen;

  public AccountRoutes(AccountService accounts, SessionService sessions, boolean registrationOpen) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.registrationOpen = registrationOpen;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(HttpMethod.POST, "/api/v1/auth/register", Access.open(), Endpoint.RateLimitClass.AUTH, this::register),
        Endpoint.of(HttpMethod.GET, "/api/v1/users/me", Access.scoped(Scopes.USERS_READ),
            r -> ApiResponse.ok(UserView.of(accounts.require(r.requirePrincipal().userId())))),
        Endpoint.of(HttpMethod.PATCH, "/api/v1/users/me", Access.scoped(Scopes.USERS_WRITE), this::updateProfile),
        Endpoint.of(HttpMethod.GET, "/api/v1/users/{userId}", Access.scoped(Scopes.USERS_READ),
            r -> ApiResponse.ok(UserView.Public.of(accounts.require(Ids.parsePathId(r.pathParam("userId"), "user"))))),
        Endpoint.of(HttpMethod.PATCH, "/api/v1/admin/users/{userId}", Access.admin(), this::updateAdmin),
        Endpoint.of(HttpMethod.GET, "/api/v1/ping", Access.scoped(Scopes.USERS_READ),
            r -> ApiResponse.ok(Map.of("status", "ok", "userId", Long.toString(r.requirePrincipal().userId())))));
  }

  private ApiResponse register(ApiRequest r) {
    if (!registrationOpen) {
      throw new Forbidden("registration-closed", "registration is closed on this server; ask an admin for an account");
    }
    RegisterRequest body = r.body(RegisterRequest.class);
    User user = accounts.createPerson(body.username(), body.password(), Optional.ofNullable(body.displayName()), false);
    SessionService.ClientInfo client = new SessionService.ClientInfo(r.header("User-Agent").orElse(""), r.clientAddress());
    return ApiResponse.created(TokensView.of(sessions.startSession(user, client)));
  }

  private ApiResponse updateProfile(ApiRequest r) {
    UpdateProfileRequest body = r.body(UpdateProfileRequest.class);
    return ApiResponse.ok(UserView.of(accounts.updateDisplayName(r.requirePrincipal().userId(), body.displayName())));
  }

  private ApiResponse updateAdmin(ApiRequest r) {
    long userId = Ids.parsePathId(r.pathParam("userId"), "user");
    UpdateUserAdminRequest body = r.body(UpdateUserAdminRequest.class);
    if (body.admin() == null) {
      throw InvalidInput.field("admin", "is required");
    }
    if (userId == r.requirePrincipal().userId() && !body.admin()) {
      throw new InvalidInput("cannot-demote-self", "admins cannot remove their own admin role; ask another admin");
    }
    return ApiResponse.ok(UserView.of(accounts.setAdmin(userId, body.admin())));
  }
}
