package io.ultrachat.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyRoutesTest {
  private final ProxyRoutes routes = ProxyRoutes.defaults();

  private Optional<String> service(String path) {
    return routes.match(path).map(ProxyRoute::service);
  }

  @Test
  void defaultsSendEachServicesPathsToIt() {
    assertThat(service("/api/v1/auth/login")).contains("auth");
    assertThat(service("/api/v1/users/me")).contains("auth");
    assertThat(service("/.well-known/jwks.json")).contains("auth");
    assertThat(service("/api/v1/workspaces")).contains("chat");
    assertThat(service("/api/v1/conversations/1/messages")).contains("chat");
    assertThat(service("/api/v1/attachments/9")).contains("chat");
    assertThat(service("/api/v1/realtime")).contains("realtime");
    assertThat(routes.services()).containsExactlyInAnyOrder("auth", "chat", "realtime");
  }

  @Test
  void mostSpecificPrefixWins() {
    assertThat(service("/api/v1/workspaces/12/presence")).contains("realtime");
    assertThat(service("/api/v1/workspaces/12/members")).contains("chat");
    ProxyRoutes custom = new ProxyRoutes(List.of(new ProxyRoute("/", "web"), new ProxyRoute("/a", "x"), new ProxyRoute("/a/b", "y")));
    assertThat(custom.match("/a/b/c").map(ProxyRoute::service)).contains("y");
    assertThat(custom.match("/a/bc").map(ProxyRoute::service)).contains("x");
    assertThat(custom.match("/z").map(ProxyRoute::service)).contains("web");
  }

  @Test
  void matchesWholeSegmentsOnly() {
    assertThat(service("/api/v1/authority")).isEmpty();
    assertThat(service("/api/v1")).isEmpty();
    assertThat(service("/index.html")).isEmpty();
  }

  @Test
  void refusesMalformedPrefixesAndDuplicates() {
    assertThatThrownBy(() -> new ProxyRoute("api", "auth")).hasMessageContaining("absolute path");
    assertThatThrownBy(() -> new ProxyRoute("/api/", "auth")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> new ProxyRoute("/api/v*", "auth")).hasMessageContaining("whole segment");
    assertThatThrownBy(() -> new ProxyRoute("/api", "Auth")).hasMessageContaining("service name");
    assertThatThrownBy(() -> new ProxyRoutes(List.of(new ProxyRoute("/a", "x"), new ProxyRoute("/a", "y"))))
        .hasMessage("route prefix /a is listed twice");
  }
}
