package io.ultrachat.kernel.http;

import io.ultrachat.kernel.error.Unauthenticated;

/**
 * Checks the credential another service of the cluster sends on an internal route
 * ({@link Access.Kind#SERVICE}). The gateway is given one and knows nothing of how it works;
 * {@link ServiceCredentials} is the implementation. Implementations are thread-safe.
 */
public interface ServiceAuthenticator {
  /**
   * @param authorization the whole {@code Authorization} header value, never empty
   * @param method the request's method
   * @param target the request target as it arrived: the raw path plus {@code ?} and the raw query
   *     if there is one (e.g. {@code /internal/v1/revocations?since=2025-01-01T00:00:00Z})
   * @return the name of the calling service
   * @throws Unauthenticated if the credential is missing its parts, forged, for another request,
   *     or outside the accepted time window
   */
  String authenticate(String authorization, HttpMethod method, String target);

  /** For a node without {@code cluster.service-secret}: refuses every service call. */
  static ServiceAuthenticator refuseAll() {
    return (authorization, method, target) -> {
      throw new Unauthenticated("invalid-service-credential",
          "this node accepts no service calls: cluster.service-secret is not set");
    };
  }
}
