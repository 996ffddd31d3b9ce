package io.ultrachat.bus.nats;

import static org.awaitility.Awaitility.await;

import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.queue.Outcome;
import io.ultrachat.kernel.queue.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Jobs survive a broker restart, and a running worker resumes by itself once it is back. */
class JetStreamWorkQueueRestartIT {
  private static NatsServerProcess server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new NatsServerProcess();
    server.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void storedJobsSurviveABrokerRestartAndTheWorkerResumes() throws Exception {
    JetStreamWorkQueue.Settings settings = JetStreamWorkQueue.Settings.defaults()
        .withRetryPolicy(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400)))
        .withAckWait(Duration.ofSeconds(2));
    try (JetStreamWorkQueue wq = JetStreamWorkQueue.connect(server.url(), settings, Clock.systemUTC())) {
      Set<String> live = ConcurrentHashMap.newKeySet();
      wq.consume("live", 2, job -> {
        live.add(new String(job.payload()));
        return Outcome.done();
      });
      wq.enqueue("live", "before".getBytes());
      wq.enqueue("parked", "kept".getBytes()); // nobody consumes this queue until after the restart
      await().atMost(Duration.ofSeconds(10)).until(() -> live.contains("before"));

      server.stop();
      server.start();

      // Enqueue fails with Unavailable until the client has reconnected, then succeeds.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreException(Unavailable.class).until(() -> {
        wq.enqueue("live", "after".getBytes());
        return true;
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> live.contains("after"));

      Set<String> parked = ConcurrentHashMap.newKeySet();
      wq.consume("parked", 1, job -> {
        parked.add(new String(job.payload()));
        return Outcome.done();
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> parked.contains("kept"));
    }
  }
}
