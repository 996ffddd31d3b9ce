package io.ultrachat.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.ultrachat.kernel.queue.Job;
import io.ultrachat.kernel.queue.Outcome;
import io.ultrachat.kernel.queue.RetryPolicy;
import io.ultrachat.kernel.queue.WorkQueue;
import io.ultrachat.testkit.WorkQueueContract;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JetStream work queue against the shared contract on the local server, plus durability. */
class JetStreamWorkQueueIT extends WorkQueueContract {
  private static final String URL = NatsBusIT.URL;
  /** Short, so the redelivery of a job whose node died is seen within a test. */
  private static final Duration ACK_WAIT = Duration.ofSeconds(2);
  private final String namespace = "uct" + Long.toHexString(System.nanoTime());

  private JetStreamWorkQueue.Settings settings(RetryPolicy policy) {
    return JetStreamWorkQueue.Settings.defaults().withNamespace(namespace).withRetryPolicy(policy).withAckWait(ACK_WAIT);
  }

  @Override
  protected WorkQueue newWorkQueue(RetryPolicy policy) {
    return JetStreamWorkQueue.connect(URL, settings(policy), Clock.systemUTC());
  }

  @Override
  protected void cleanUp(List<String> queueNames) {
    try (JetStreamWorkQueue admin = JetStreamWorkQueue.connect(URL, settings(POLICY), Clock.systemUTC())) {
      queueNames.forEach(admin::deleteQueue);
    }
  }

  @Test
  void jobsSurviveARestartOfTheProcess() {
    String q = queue("restart");
    try (WorkQueue before = newWorkQueue(POLICY)) {
      for (int i = 0; i < 10; i++) {
        before.enqueue(q, bytes("p" + i));
      }
    }
    Set<String> got = ConcurrentHashMap.newKeySet();
    try (WorkQueue after = newWorkQueue(POLICY)) {
      after.consume(q, 3, job -> {
        got.add(text(job.payload()));
        return Outcome.done();
      });
      await().atMost(WAIT).until(() -> got.size() == 10);
    }
  }

  @Test
  void aJobOfANodeThatDiedMidJobIsHandedOutAgainAfterTheAckWait() throws Exception {
    String q = queue("crash");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Connection doomed = Nats.connect(URL);
    JetStreamWorkQueue dying = new JetStreamWorkQueue(doomed, settings(POLICY), Clock.systemUTC());
    try {
      dying.enqueue(q, bytes("survivor"));
      dying.consume(q, 1, job -> {
        started.countDown();
        never.await(30, TimeUnit.SECONDS);
        return Outcome.done();
      });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      doomed.close(); // the node dies: no ack, no progress reports
      List<Job> got = new CopyOnWriteArrayList<>();
      try (WorkQueue survivor = newWorkQueue(POLICY)) {
        survivor.consume(q, 1, job -> {
          got.add(job);
          return Outcome.done();
        });
        await().atMost(WAIT).until(() -> !got.isEmpty());
        assertThat(got.getFirst().attempt()).isEqualTo(2);
        assertThat(text(got.getFirst().payload())).isEqualTo("survivor");
      }
    } finally {
      never.countDown();
      dying.close();
    }
  }

  @Test
  void aSlowJobIsNotHandedToASecondWorkerWhileItRuns() {
    String q = queue("slow");
    WorkQueue wq = open();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    wq.enqueue(q, bytes("slow"));
    wq.consume(q, 2, job -> {
      attempts.add(job.attempt());
      Thread.sleep(ACK_WAIT.multipliedBy(2).toMillis()); // longer than the ack wait
      return Outcome.done();
    });
    wq.consume(q, 2, job -> {
      attempts.add(job.attempt());
      return Outcome.done();
    });
    await().during(ACK_WAIT.multipliedBy(3)).atMost(WAIT).until(() -> attempts.size() == 1);
  }

  @Test
  void aDeadLetteredJobLeavesTheWorkStream() throws Exception {
    String q = queue("leaves");
    JetStreamWorkQueue wq = (JetStreamWorkQueue) open();
    wq.enqueue(q, bytes("x"));
    wq.consume(q, 1, job -> Outcome.fail("bad payload\nwith a line break and ü"));
    await().atMost(WAIT).until(() -> wq.deadLetters(q, 10).size() == 1);
    assertThat(wq.deadLetters(q, 10).getFirst().reason()).isEqualTo("bad payload?with a line break and ?");
    try (Connection c = Nats.connect(URL)) {
      await().atMost(WAIT).until(() -> c.jetStreamManagement().getStreamInfo(wq.workStream(q)).getStreamState().getMsgCount() == 0);
      assertThat(c.jetStreamManagement().getStreamInfo(wq.deadStream(q)).getStreamState().getMsgCount()).isEqualTo(1);
    }
  }

  @Test
  void anUnreachableServerFailsAtOnceNamingTheUrlAndTheSetting() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    int unused = port;
    assertThatThrownBy(() -> JetStreamWorkQueue.connect("nats://127.0.0.1:" + unused, settings(POLICY), Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nats://127.0.0.1:" + unused)
        .hasMessageContaining(JetStreamWorkQueue.URL_SETTING);
  }
}
