package io.ultrachat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Stopping the server lets requests already in flight finish instead of cutting them off. */
class GracefulShutdownIT {
  @Test
  void inFlightRequestsCompleteDuringShutdown() throws Exception {
    // Real Argon2id cost, so sign-ins are still running when the stop begins.
    TestServer server = TestServer.on(TestServer.Backend.SQLITE)
        .set("auth.argon2.memory-kib", "19456").set("auth.argon2.iterations", "2").set("http.shutdown-grace", "20s").start();
    Api api = server.api();
    api.register("alice", "correct horse");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/auth/login"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"correct horse\"}")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(150);
    server.close();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      assertThat(f.get().statusCode()).isEqualTo(200);
    }
  }
}
