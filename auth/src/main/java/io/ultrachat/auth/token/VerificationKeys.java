package io.ultrachat.auth.token;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.util.Optional;

/**
 * Where access-token verifiers come from: the node's own {@link SigningKeyRing}, or the JWKS
 * fetched from the Auth service. Implementations are thread-safe.
 */
public interface VerificationKeys {
  /**
   * The verifier of a key that still verifies, by key id; empty if there is no such key. May
   * reload its source (rate-limited) when the id is unknown, since another node may just have
   * rotated; so it may block, which callers on virtual threads can afford.
   *
   * @throws io.ultrachat.kernel.error.Unavailable if the id is unknown and the source that could
   *     know it cannot be reached
   */
  Optional<RSASSAVerifier> verifier(String kid);
}
