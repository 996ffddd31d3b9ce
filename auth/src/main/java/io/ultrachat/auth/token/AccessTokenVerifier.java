package io.ultrachat.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ultrachat.kernel.error.Unauthenticated;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The one rule for accepting an access token, wherever it is checked: on a node of the Auth
 * service against its {@link SigningKeyRing}, on other nodes against the JWKS the Auth service
 * publishes ({@code auth/remote}).
 *
 * <p>Verification pins the algorithm before anything else: a token whose header says
 * {@code none}, {@code HS256} or anything but {@code RS256} is refused without looking at
 * keys, which closes the classic algorithm-confusion attacks. Times are checked against the
 * injected clock with a small skew allowance. Thread-safe if the key source is.
 */
public final class AccessTokenVerifier {
  private final VerificationKeys keys;
  private final Clock clock;
  private final String issuer;
  private final String audience;
  private final Duration skew;

  public AccessTokenVerifier(VerificationKeys keys, Clock clock, String issuer, String audience, Duration skew) {
    this.keys = keys;
    this.clock = clock;
    this.issuer = issuer;
    this.audience = audience;
    this.skew = skew;
  }

  /**
   * @throws Unauthenticated with code {@code token-expired} for an expired token and
   *     {@code invalid-token} for every other defect
   */
  public AccessTokenClaims verify(String token) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw invalid("the access token is malformed");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
      throw invalid("the access token must be signed with RS256");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw invalid("the access token has unsupported critical header parameters");
    }
    String kid = header.getKeyID();
    if (kid == null) {
      throw invalid("the access token has no key id");
    }
    RSASSAVerifier verifier = keys.verifier(kid).orElseThrow(() -> invalid("the access token was signed by an unknown key"));
    try {
      if (!jwt.verify(verifier)) {
        throw invalid("the access token signature does not verify");
      }
    } catch (JOSEException e) {
      throw invalid("the access token signature does not verify");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("the access token claims are malformed");
    }
    Instant now = clock.instant();
    if (!issuer.equals(claims.getIssuer())) {
      throw invalid("the access token has the wrong issuer");
    }
    List<String> aud = claims.getAudience();
    if (aud == null || !aud.contains(audience)) {
      throw invalid("the access token has the wrong audience");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw invalid("the access token has no expiry");
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      throw new Unauthenticated("token-expired", "the access token has expired; refresh it");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      throw invalid("the access token is not valid yet");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
      throw invalid("the access token was issued in the future");
    }
    try {
      long userId = Long.parseLong(claims.getSubject());
      long sessionId = Long.parseLong(claims.getStringClaim("sid"));
      String name = claims.getStringClaim("name");
      Boolean adm = claims.getBooleanClaim("adm");
      if (name == null) {
        throw invalid("the access token has no name claim");
      }
      return new AccessTokenClaims(userId, name, Boolean.TRUE.equals(adm), sessionId, exp.toInstant());
    } catch (ParseException | NumberFormatException | NullPointerException e) {
      throw invalid("the access token claims are malformed");
    }
  }

  private static Unauthenticated invalid(String detail) {
    return new Unauthenticated("invalid-token", detail);
  }
}
