package io.ultrachat.kernel.http;

import io.ultrachat.kernel.error.Unauthenticated;

/**
 * Turns a bearer credential into a {@link Principal}. The gateway calls it once per request
 * that carries an {@code Authorization} header; the Auth service implements it.
 *
 * <p>Implementations must be thread-safe and answer the common case (a token seen before) from
 * memory. Callers invoke them on a virtual thread, never on an event loop (the gateway after it
 * leaves the event loop for dispatch, the realtime edge on a connection's executor and its sweep
 * on a worker), so an implementation may block on I/O for the rare case it cannot answer from
 * memory, as the remote authenticator of a split deployment does to ask the Auth service.
 */
public interface EdgeAuthenticator {
  /**
   * @param bearer the token after {@code Bearer }, never empty
   * @return the caller
   * @throws Unauthenticated if the token is malformed, forged, expired, revoked or of an
   *     unknown key
   * @throws io.ultrachat.kernel.error.Unavailable if the answer needs a service that cannot be
   *     reached (split deployments only); the caller may retry
   */
  Principal authenticate(String bearer);
}
