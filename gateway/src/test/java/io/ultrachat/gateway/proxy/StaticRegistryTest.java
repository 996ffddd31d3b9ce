package io.ultrachat.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StaticRegistryTest {

  @Test
  void parsesServicesAndTheirInstances() {
    StaticRegistry r = StaticRegistry.parse(" auth=http://127.0.0.1:8081 ; chat=http://127.0.0.1:8082, HTTP://Chat-2.internal:8083/ ;");

    assertThat(r.instances("auth")).containsExactly(new Instance("127.0.0.1:8081", "http://127.0.0.1:8081"));
    assertThat(r.instances("chat")).extracting(Instance::id).containsExactly("127.0.0.1:8082", "chat-2.internal:8083");
    assertThat(r.instances("chat").get(1).baseUrl()).isEqualTo("http://chat-2.internal:8083");
    assertThat(r.instances("voice")).isEmpty();
    assertThat(r.services()).containsExactly("auth", "chat");
    assertThat(Instance.of("https://a.example").port()).isEqualTo(443);
  }

  @Test
  void namesTheSettingAndTheFaultInEveryError() {
    assertThatThrownBy(() -> StaticRegistry.parse("")).hasMessageStartingWith("gateway.upstreams: entry 1 is empty");
    assertThatThrownBy(() -> StaticRegistry.parse("auth http://a:1"))
        .hasMessageStartingWith("gateway.upstreams: entry 1 'auth http://a:1' has no '='");
    assertThatThrownBy(() -> StaticRegistry.parse("auth=http://a:1;;chat=http://b:2"))
        .hasMessageStartingWith("gateway.upstreams: entry 2 is empty");
    assertThatThrownBy(() -> StaticRegistry.parse("Auth=http://a:1")).hasMessageContaining("service name 'Auth'");
    assertThatThrownBy(() -> StaticRegistry.parse("auth=http://a:1;auth=http://b:2"))
        .hasMessageContaining("service 'auth' appears in entries 1 and 2");
    assertThatThrownBy(() -> StaticRegistry.parse("auth=http://a:1,"))
        .hasMessageStartingWith("gateway.upstreams: service 'auth': URL 2 is empty");
    assertThatThrownBy(() -> StaticRegistry.parse("auth=ftp://a:1"))
        .hasMessageStartingWith("gateway.upstreams: service 'auth': URL 1 'ftp://a:1' must start with http:// or https://");
    assertThatThrownBy(() -> StaticRegistry.parse("auth=http://a:1/api"))
        .hasMessageContaining("without path, query or user info");
    assertThatThrownBy(() -> StaticRegistry.parse("auth=http://a:1,http://a:1"))
        .hasMessageStartingWith("gateway.upstreams: service 'auth' lists a:1 twice");
  }
}
