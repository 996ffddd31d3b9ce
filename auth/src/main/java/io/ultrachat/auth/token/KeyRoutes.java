package io.ultrachat.auth.token;

import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.ServiceEndpoints;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The public JWKS and the admin view of signing keys. */
public final class KeyRoutes implements ServiceEndpoints {
  record SigningKeyView(String kid, Instant createdAt, boolean signing, Optional<Instant> verifyUntil) {}

  private final SigningKeyRing ring;

  public KeyRoutes(SigningKeyRing ring) {
    this.ring = ring;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(HttpMethod.GET, "/.well-known/jwks.json", Access.open(),
            r -> ApiResponse.ok(ring.publicJwks().toJSONObject(true)).withHeader("Cache-Control", "public, max-age=300")),
        Endpoint.of(HttpMethod.GET, "/api/v1/admin/signing-keys", Access.admin(),
            r -> ApiResponse.ok(Map.of("keys", ring.keys().stream()
                .map(k -> new SigningKeyView(k.kid(), k.createdAt(), k.signs(), k.verifyUntil())).toList()))),
        Endpoint.of(HttpMethod.POST, "/api/v1/admin/signing-keys/rotate", Access.admin(), r -> {
          SigningKeyRing.Rotation rotation = ring.rotate();
          return ApiResponse.ok(Map.of("kid", rotation.kid(), "previousKids", rotation.previousKids(),
              "previousVerifyUntil", rotation.previousVerifyUntil()));
        }));
  }
}
