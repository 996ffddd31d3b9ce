package io.ultrachat.kernel.http;

import io.ultrachat.kernel.error.Unauthenticated;

/**
 * Turns a bearer credential into a {@link Principal}. The gateway calls it once per request
 * that carries an {@code Authorization} header; the Auth service implements it.
 *
 * <p>Implementations must be thread-safe and must not block on slow I/O in the common case:
 * the gateway may call them on an event-loop thread.
 */
public interface EdgeAuthenticator {
  /**
   * @param bearer the token after {@code Bearer }, never empty
   * @return the caller
   * @throws Unauthenticated if the token is malformed, forged, expired, revoked or of an
   *     unknown key
   */
  Principal authenticate(String bearer);
}
