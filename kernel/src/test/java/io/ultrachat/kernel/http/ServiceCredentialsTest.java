package io.ultrachat.kernel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Unauthenticated;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceCredentialsTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final ServiceCredentials callee = new ServiceCredentials(SECRET, CLOCK, Duration.ofSeconds(60));

  @Test
  void aCredentialVerifiesForExactlyTheRequestItWasMadeFor() {
    String header = callee.authorization("chat", HttpMethod.GET, "/internal/v1/users/42");
    assertThat(header).startsWith("Service chat." + NOW.toEpochMilli() + ".");
    assertThat(callee.authenticate(header, HttpMethod.GET, "/internal/v1/users/42")).isEqualTo("chat");
    assertThat(callee.authenticate(header.replace("Service ", "service "), HttpMethod.GET, "/internal/v1/users/42")).isEqualTo("chat");

    assertRefused(header, HttpMethod.GET, "/internal/v1/users/43", "invalid-service-credential");
    assertRefused(header, HttpMethod.POST, "/internal/v1/users/42", "invalid-service-credential");
    assertRefused(header, HttpMethod.GET, "/internal/v1/users/42?x=1", "invalid-service-credential");
    assertRefused(header.replace("Service chat.", "Service realtime."), HttpMethod.GET, "/internal/v1/users/42", "invalid-service-credential");
  }

  @Test
  void anotherSecretOrATamperedSignatureIsRefused() {
    ServiceCredentials other = new ServiceCredentials("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.UTF_8), CLOCK,
        Duration.ofSeconds(60));
    assertRefused(other.authorization("chat", HttpMethod.GET, "/p"), HttpMethod.GET, "/p", "invalid-service-credential");
    String header = callee.authorization("chat", HttpMethod.GET, "/p");
    int sig = header.lastIndexOf('.') + 1; // the first character: the last one carries padding bits a decoder may ignore
    char first = header.charAt(sig);
    assertRefused(header.substring(0, sig) + (first == 'A' ? 'B' : 'A') + header.substring(sig + 1), HttpMethod.GET, "/p",
        "invalid-service-credential");
  }

  @Test
  void onlyCredentialsWithinTheToleranceEitherWayAreAccepted() {
    for (long offsetSeconds : new long[] {-60, 59, 60}) {
      ServiceCredentials caller = new ServiceCredentials(SECRET, Clock.offset(CLOCK, Duration.ofSeconds(offsetSeconds)), Duration.ofSeconds(60));
      assertThat(callee.authenticate(caller.authorization("chat", HttpMethod.GET, "/p"), HttpMethod.GET, "/p")).isEqualTo("chat");
    }
    for (long offsetSeconds : new long[] {-61, 61, -3600}) {
      ServiceCredentials caller = new ServiceCredentials(SECRET, Clock.offset(CLOCK, Duration.ofSeconds(offsetSeconds)), Duration.ofSeconds(60));
      assertRefused(caller.authorization("chat", HttpMethod.GET, "/p"), HttpMethod.GET, "/p", "service-credential-expired");
    }
  }

  @Test
  void malformedHeadersAreRefusedWithoutExceptionsOtherThanUnauthenticated() {
    for (String bad : new String[] {"Bearer abc", "Service ", "Service chat", "Service chat.1", "Service chat.abc.sig",
        "Service Chat.1.sig", "Service chat.1.sig.extra", "Service chat.1.!!!", "Service chat.12345678901234567890.sig", "Service .1.sig"}) {
      assertRefused(bad, HttpMethod.GET, "/p", "invalid-service-credential");
    }
  }

  @Test
  void secretsShorterThan32BytesAndBadServiceNamesAreRejectedUpFront() {
    assertThatThrownBy(() -> new ServiceCredentials(new byte[31], CLOCK, Duration.ofSeconds(60))).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> callee.authorization("Chat.Evil", HttpMethod.GET, "/p")).isInstanceOf(IllegalArgumentException.class);
    assertThat(callee.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void settingsNameTheSecretWhenItIsMissingOrShort() {
    Settings none = Settings.builder(new ClusterSettings().settings()).build().validate();
    assertThat(ServiceCredentials.fromSettings(none, CLOCK)).isEmpty();
    assertThatThrownBy(() -> ServiceCredentials.requiredFromSettings(none, CLOCK)).hasMessageContaining("cluster.service-secret");
    Settings shortOne = Settings.builder(new ClusterSettings().settings()).overrides(Map.of("cluster.service-secret", "short"), "test")
        .build().validate();
    assertThatThrownBy(() -> ServiceCredentials.fromSettings(shortOne, CLOCK)).hasMessageContaining("cluster.service-secret")
        .hasMessageContaining("32 bytes");
    Settings good = Settings.builder(new ClusterSettings().settings())
        .overrides(Map.of("cluster.service-secret", new String(SECRET, StandardCharsets.UTF_8), "cluster.service-credential-tolerance", "5s"), "test")
        .build().validate();
    ServiceCredentials fromSettings = ServiceCredentials.requiredFromSettings(good, CLOCK);
    assertThat(callee.authenticate(fromSettings.authorization("chat", HttpMethod.GET, "/p"), HttpMethod.GET, "/p")).isEqualTo("chat");
  }

  @Test
  void refuseAllRefusesEverything() {
    assertThatThrownBy(() -> ServiceAuthenticator.refuseAll().authenticate(callee.authorization("chat", HttpMethod.GET, "/p"), HttpMethod.GET, "/p"))
        .isInstanceOf(Unauthenticated.class).hasMessageContaining("cluster.service-secret");
  }

  private void assertRefused(String header, HttpMethod method, String target, String code) {
    assertThatThrownBy(() -> callee.authenticate(header, method, target)).as(header)
        .isInstanceOfSatisfying(Unauthenticated.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
