package io.ultrachat.auth.apitoken;

import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A person's own API tokens. Only a login session may manage tokens: a token cannot mint tokens. */
public final class ApiTokenRoutes implements ServiceEndpoints {
  private final ApiTokenService tokens;

  public ApiTokenRoutes(ApiTokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethod.GET, "/api/v1/auth/tokens", Access.userSession(),
            r -> ApiResponse.ok(Map.of("tokens", tokens.list(r.requirePrincipal().userId()).stream().map(ApiTokenView::of).toList()))),
        Endpoint.of(HttpMethod.POST, "/api/v1/auth/tokens", Access.userSession(), this::create),
        Endpoint.of(HttpMethod.DELETE, "/api/v1/auth/tokens/{tokenId}", Access.userSession(), r -> {
          tokens.revoke(r.requirePrincipal().userId(), Ids.parsePathId(r.pathParam("tokenId"), "token"));
          return ApiResponse.noContent();
        }));
  }

  private ApiResponse create(ApiRequest r) {
    long caller = r.requirePrincipal().userId();
    ApiTokenView.CreateRequest body = r.body(ApiTokenView.CreateRequest.class);
    return ApiResponse.created(ApiTokenView.created(
        tokens.create(caller, caller, body.name(), body.scopes(), Optional.ofNullable(body.expiresInDays()))));
  }
}
