package io.ultrachat.auth.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.http.ServiceCredentials;
import io.ultrachat.testkit.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS client against a stand-in Auth service that counts how often it is asked. */
class RemoteJwksTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private final List<RSAKey> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile int status = 200;
  private HttpServer server;
  private MutableClock clock;
  private RemoteJwks jwks;

  @BeforeEach
  void start() throws Exception {
    published.add(key("k1"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(RemoteJwks.PATH, exchange -> {
      fetches.incrementAndGet();
      byte[] body = new JWKSet(List.copyOf(published.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList()))
          .toString(true).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    clock = MutableClock.startingNow();
    jwks = new RemoteJwks(client(() -> URI.create("http://127.0.0.1:" + server.getAddress().getPort())), clock, Duration.ofMinutes(5),
        INTERVAL, Duration.ofSeconds(5));
    jwks.load();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void knownKeysAnswerFromMemory() {
    assertThat(jwks.verifier("k1")).isPresent();
    assertThat(jwks.verifier("k1")).isPresent();
    assertThat(fetches).hasValue(1);
  }

  @Test
  void aFloodOfUnknownKeyIdsCostsOneFetchPerInterval() {
    for (int i = 0; i < 200; i++) {
      assertThat(jwks.verifier("invented-" + i)).isEmpty();
    }
    assertThat(fetches).hasValue(2);
    clock.advance(INTERVAL);
    assertThat(jwks.verifier("invented-again")).isEmpty();
    assertThat(fetches).hasValue(3);
  }

  @Test
  void aRotationIsPickedUpOnTheFirstTokenWithTheNewKid() throws Exception {
    published.add(0, key("k2"));
    assertThat(jwks.verifier("k2")).isPresent();
    assertThat(jwks.verifier("k1")).isPresent();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void staleKeysAreRefreshedInTheBackgroundWhileTheOldOnesKeepAnswering() throws Exception {
    clock.advance(Duration.ofMinutes(6));
    published.add(0, key("k3"));
    assertThat(jwks.verifier("k1")).isPresent();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fetches).hasValue(2));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jwks.verifier("k3")).isPresent());
    assertThat(fetches).hasValue(2);
  }

  @Test
  void anUnknownKidWhileTheAuthServiceFailsIsUnavailableAndTheKnownKeysStay() {
    status = 500;
    assertThatThrownBy(() -> jwks.verifier("k9")).isInstanceOf(Unavailable.class);
    assertThat(jwks.verifier("k1")).isPresent();
  }

  @Test
  void aConnectFailureIsRetriedOnceAgainstWhateverUrlTheSupplierGivesThen() throws IOException {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    AtomicInteger asked = new AtomicInteger();
    int live = server.getAddress().getPort();
    AuthServiceClient client = client(() -> URI.create("http://127.0.0.1:" + (asked.getAndIncrement() == 0 ? dead : live)));
    assertThat(client.get(RemoteJwks.PATH, java.util.Map.class)).isPresent();
    assertThat(asked).hasValue(2);
  }

  private static AuthServiceClient client(Supplier<URI> url) {
    return new AuthServiceClient(url, new ServiceCredentials("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
        Clock.systemUTC(), Duration.ofSeconds(60)), "chat", Duration.ofSeconds(2));
  }

  private static RSAKey key(String kid) throws Exception {
    return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
  }
}
