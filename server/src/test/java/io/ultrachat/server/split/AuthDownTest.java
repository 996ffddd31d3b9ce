package io.ultrachat.server.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.auth.remote.AuthServiceClient;
import io.ultrachat.auth.remote.RemoteEdgeAuthenticator;
import io.ultrachat.auth.remote.RemoteUserDirectory;
import io.ultrachat.auth.session.SessionRevocations;
import io.ultrachat.gateway.Problem;
import io.ultrachat.gateway.ProblemMapper;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.server.Catalog;
import io.ultrachat.testkit.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With the Auth service down, the remote clients fail with {@link Unavailable}, which the edge
 * answers with a retryable 503, never a 500.
 */
class AuthDownTest {
  @Test
  void anUnreachableAuthServiceIsUnavailableAndTheEdgeAnswers503() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    URI dead = URI.create("http://127.0.0.1:" + port);
    AuthServiceClient client = new AuthServiceClient(() -> dead, RemoteAuthIT.credentials(RemoteAuthIT.SECRET, Clock.systemUTC()), "chat",
        Duration.ofSeconds(1));
    RemoteUserDirectory directory = new RemoteUserDirectory(client, MutableClock.startingNow(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> directory.findById(42)).isInstanceOf(Unavailable.class);
    assertThatThrownBy(() -> directory.findByUsername("alice")).isInstanceOf(Unavailable.class)
        .hasMessageNotContaining(Integer.toString(port));

    Unavailable failure = catchUnavailable(() -> directory.findById(42));
    Problem problem = ProblemMapper.toProblem(failure, "req-1");
    assertThat(problem.status()).isEqualTo(503);
    assertThat(problem.code()).isEqualTo("unavailable");
    assertThat(problem.retryAfterSeconds()).isPresent();

    Settings settings = Settings.builder(Catalog.all()).build().validate();
    RemoteEdgeAuthenticator authenticator = new RemoteEdgeAuthenticator(client, new SessionRevocations(Duration.ofHours(2)),
        RemoteEdgeAuthenticator.Options.fromSettings(settings), MutableClock.startingNow());
    assertThatThrownBy(authenticator::start).as("a node that cannot warm its revocations does not start").isInstanceOf(Unavailable.class);
    assertThatThrownBy(() -> authenticator.authenticate("uct_" + "x".repeat(43))).isInstanceOf(Unavailable.class);
  }

  @Test
  void theAuthUrlSettingIsCheckedAtWiringTime() {
    Settings unset = Settings.builder(Catalog.all()).build().validate();
    assertThatThrownBy(() -> AuthServiceClient.configuredBaseUrl(unset)).hasMessageContaining("services.auth-url");
    Settings bad = Settings.builder(Catalog.all()).overrides(java.util.Map.of("services.auth-url", "ftp://x"), "test").build().validate();
    assertThatThrownBy(() -> AuthServiceClient.configuredBaseUrl(bad)).hasMessageContaining("services.auth-url");
    Settings good = Settings.builder(Catalog.all()).overrides(java.util.Map.of("services.auth-url", "http://auth.internal:8080"), "test")
        .build().validate();
    assertThat(AuthServiceClient.configuredBaseUrl(good).get()).isEqualTo(URI.create("http://auth.internal:8080"));
  }

  private static Unavailable catchUnavailable(Runnable r) {
    try {
      r.run();
    } catch (Unavailable e) {
      return e;
    }
    throw new AssertionError("expected Unavailable");
  }
}
