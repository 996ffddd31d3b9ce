package io.ultrachat.server.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.ServiceCredentials;
import io.ultrachat.server.TestServer;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A process that runs only some services needs the cluster secret, and calls between services are never rate-limited. */
class SplitModeIT {
  @Test
  void aSplitProcessWithoutTheServiceSecretFailsAtStartNamingTheSetting() {
    assertThatThrownBy(() -> TestServer.on(TestServer.Backend.SQLITE).set("services", "auth").start())
        .hasMessageContaining("cluster.service-secret");
    assertThatThrownBy(() -> TestServer.on(TestServer.Backend.SQLITE).set("services", "auth").set("cluster.service-secret", "too-short").start())
        .hasMessageContaining("cluster.service-secret").hasMessageContaining("32 bytes");
  }

  @Test
  void serviceCallsCountAgainstNoUserOrAddressBudget() {
    try (TestServer server = TestServer.on(TestServer.Backend.SQLITE).set("services", "auth")
        .set("cluster.service-secret", RemoteAuthIT.SECRET)
        .set("rate-limit.anonymous.requests", "2").set("rate-limit.user.requests", "2").start()) {
      ServiceCredentials credentials = RemoteAuthIT.credentials(RemoteAuthIT.SECRET, Clock.systemUTC());
      InternalCalls calls = new InternalCalls(server.baseUrl());
      for (int i = 0; i < 10; i++) {
        String target = "/internal/v1/users/by-username/nobody" + i;
        assertThat(calls.send("GET", target, Optional.of(credentials.authorization("chat", HttpMethod.GET, target)), null).status())
            .as("call %d", i).isEqualTo(404);
      }
      String target = "/internal/v1/revocations?since=2020-01-01T00:00:00Z";
      assertThat(calls.send("GET", target, Optional.of(credentials.authorization("realtime", HttpMethod.GET, target)), null)
          .ok(200).json().path("sessionIds").isArray()).isTrue();
    }
  }
}
