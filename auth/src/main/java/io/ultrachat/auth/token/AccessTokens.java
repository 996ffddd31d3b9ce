package io.ultrachat.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * Issues and verifies access tokens: JWT, RS256 only, with {@code iss}, {@code aud},
 * {@code sub}, {@code iat}, {@code nbf}, {@code exp}, {@code jti}, a {@code kid} header and the
 * UltraChat claims {@code sid} (login session), {@code name} and {@code adm}.
 *
 * <p>Verification is {@link AccessTokenVerifier}'s, against this node's {@link SigningKeyRing}; a
 * node that does not run the Auth service verifies the same way against the published JWKS.
 * Thread-safe.
 */
public final class AccessTokens {
  private final SigningKeyRing keys;
  private final Clock clock;
  private final String issuer;
  private final String audience;
  private final Duration ttl;
  private final AccessTokenVerifier verifier;

  public AccessTokens(SigningKeyRing keys, Clock clock, String issuer, String audience, Duration ttl, Duration skew) {
    this.keys = keys;
    this.clock = clock;
    this.issuer = issuer;
    this.audience = audience;
    this.ttl = ttl;
    this.verifier = new AccessTokenVerifier(keys, clock, issuer, audience, skew);
  }

  public Duration ttl() {
    return ttl;
  }

  public String issue(long userId, String username, boolean admin, long sessionId) {
    Instant now = clock.instant();
    Map.Entry<String, RSASSASigner> signer = keys.signer();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(Long.toString(userId))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .claim("sid", Long.toString(sessionId))
        .claim("name", username)
        .claim("adm", admin)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(signer.getKey()).build(), claims);
    try {
      jwt.sign(signer.getValue());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing an access token failed", e);
    }
    return jwt.serialize();
  }

  /**
   * @throws Unauthenticated with code {@code token-expired} for an expired token and
   *     {@code invalid-token} for every other defect
   */
  public AccessTokenClaims verify(String token) {
    return verifier.verify(token);
  }
}
