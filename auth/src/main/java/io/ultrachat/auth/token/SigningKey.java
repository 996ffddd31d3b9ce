package io.ultrachat.auth.token;

import java.time.Instant;
import java.util.Optional;

/**
 * An RSA key pair that signs access tokens. A key signs until it is retired by a rotation,
 * then verifies until {@code verifyUntil} (the grace period), then is gone from the JWKS.
 *
 * @param privateKey PKCS#8, base64
 * @param publicKey X.509 SubjectPublicKeyInfo, base64
 */
public record SigningKey(
    String kid, String privateKey, String publicKey, Instant createdAt, Optional<Instant> retiredAt, Optional<Instant> verifyUntil) {

  public boolean signs() {
    return retiredAt.isEmpty();
  }

  public boolean verifiesAt(Instant now) {
    return verifyUntil.map(now::isBefore).orElse(true);
  }
}
