package io.ultrachat.auth.bot;

import io.ultrachat.auth.account.User;
import io.ultrachat.auth.apitoken.ApiTokenService;
import io.ultrachat.auth.apitoken.ApiTokenView;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.ServiceEndpoints;
import io.ultrachat.kernel.id.Ids;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Bots a person owns, and the tokens the bots act with. */
public final class BotRoutes implements ServiceEndpoints {
  record CreateBotRequest(String username, String displayName) {}

  record BotView(String id, String username, String displayName, String kind, String ownerId, Instant createdAt) {
    static BotView of(User u) {
      return new BotView(Long.toString(u.id()), u.username(), u.displayName(), "bot", u.ownerId().map(String::valueOf).orElse(""),
          u.createdAt());
    }
  }

  private final BotService bots;
  private final ApiTokenService tokens;

  public BotRoutes(BotService bots, ApiTokenService tokens) {
    this.bots = bots;
    this.tokens = tokens;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethod.GET, "/api/v1/bots", Access.userSession(),
            r -> ApiResponse.ok(Map.of("bots", bots.list(r.requirePrincipal().userId()).stream().map(BotView::of).toList()))),
        Endpoint.of(HttpMethod.POST, "/api/v1/bots", Access.userSession(), this::create),
        Endpoint.of(HttpMethod.DELETE, "/api/v1/bots/{botId}", Access.userSession(), r -> {
          bots.delete(r.requirePrincipal().userId(), botId(r));
          return ApiResponse.noContent();
        }),
        Endpoint.of(HttpMethod.GET, "/api/v1/bots/{botId}/tokens", Access.userSession(), r -> {
          User bot = bots.requireOwned(r.requirePrincipal().userId(), botId(r));
          return ApiResponse.ok(Map.of("tokens", tokens.list(bot.id()).stream().map(ApiTokenView::of).toList()));
        }),
        Endpoint.of(HttpMethod.POST, "/api/v1/bots/{botId}/tokens", Access.userSession(), this::createToken));
  }

  private static long botId(ApiRequest r) {
    return Ids.parsePathId(r.pathParam("botId"), "bot");
  }

  private ApiResponse create(ApiRequest r) {
    CreateBotRequest body = r.body(CreateBotRequest.class);
    return ApiResponse.created(BotView.of(bots.create(r.requirePrincipal().userId(), body.username(), Optional.ofNullable(body.displayName()))));
  }

  private ApiResponse createToken(ApiRequest r) {
    long caller = r.requirePrincipal().userId();
    User bot = bots.requireOwned(caller, botId(r));
    ApiTokenView.CreateRequest body = r.body(ApiTokenView.CreateRequest.class);
    return ApiResponse.created(ApiTokenView.created(
        tokens.create(caller, bot.id(), body.name(), body.scopes(), Optional.ofNullable(body.expiresInDays()))));
  }
}
