package io.ultrachat.bus.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.queue.DeadLetter;
import io.ultrachat.kernel.queue.Job;
import io.ultrachat.kernel.queue.JobHandler;
import io.ultrachat.kernel.queue.Outcome;
import io.ultrachat.kernel.queue.RetryPolicy;
import io.ultrachat.kernel.queue.Settlement;
import io.ultrachat.kernel.queue.WorkQueue;
import io.ultrachat.kernel.queue.WorkQueueArguments;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link WorkQueue}: NATS JetStream, so jobs survive restarts of this process and
 * of the broker, and workers on every node share each queue.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Layout.</b> Queue {@code q} is the stream {@code <ns>_work_q} on subject {@code
 *       <ns>.work.q}, with work-queue retention (a job is deleted once acknowledged) and file
 *       storage, consumed through one durable pull consumer {@code workers} that all workers
 *       on all nodes share, so each job goes to one worker at a time. Its dead letters are the
 *       stream {@code <ns>_dead_q} on {@code <ns>.work.q.dead}, with limits retention and a
 *       maximum age. Streams and consumer are created, or updated to this configuration, on the
 *       first use of a queue by this process; both calls are idempotent, so nodes may race.
 *   <li><b>Concurrency.</b> A worker pulls only as many jobs as it has free slots, so no job
 *       waits in a client buffer while its ack timer runs; each job runs on a virtual thread,
 *       and while it runs the worker tells the server it is still in progress, so a slow
 *       handler is not redelivered to a second worker. A process that dies mid-job leaves it
 *       unacknowledged and the server hands it out again after {@link Settings#ackWait()}.
 *   <li><b>Retries and dead letters.</b> The attempt number is the server's delivery count.
 *       Retry is a NAK with the delay; a job given up is published to the dead-letter stream
 *       (with headers for id, attempts, reason and time) and only then terminated, so it is in
 *       one stream or the other at every moment. The consumer's own {@code max_deliver} is left
 *       unlimited on purpose: a work-queue stream keeps a message that exhausted {@code
 *       max_deliver} forever without handing it out, so instead a delivery past the policy's
 *       last attempt (the last attempt died without settling) is dead-lettered without running.
 * </ul>
 */
public final class JetStreamWorkQueue implements WorkQueue {
  private static final Logger LOG = LoggerFactory.getLogger(JetStreamWorkQueue.class);
  /** The setting that holds the URL, named in configuration errors. */
  public static final String URL_SETTING = "queue.nats-url";
  static final String CONSUMER = "workers";
  static final String HEADER_JOB_ID = "Ultrachat-Job-Id";
  static final String HEADER_ATTEMPTS = "Ultrachat-Attempts";
  static final String HEADER_REASON = "Ultrachat-Reason";
  static final String HEADER_DEAD_AT = "Ultrachat-Dead-At";
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;
  private static final int NO_MESSAGE_FOUND = 10037;
  private static final Duration FETCH_WAIT = Duration.ofSeconds(1);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  /** Jobs out with workers at once, over all nodes: far above any sane total concurrency. */
  private static final int MAX_ACK_PENDING = 10_000;
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /**
   * @param namespace prefixes stream names and subjects, so several deployments can share a
   *     NATS account
   * @param ackWait how long a delivered job may go without an ack or progress report before
   *     the server hands it out again
   * @param deadLetterMaxAge how long dead letters are kept
   * @param replicas stream replicas: 1 on one server, 3 in a cluster
   */
  public record Settings(String namespace, RetryPolicy retryPolicy, Duration ackWait, Duration deadLetterMaxAge, int replicas) {
    public Settings {
      if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
        throw new IllegalArgumentException("namespace must be 1 to 32 letters, digits, '_' or '-' but was '" + namespace + "'");
      }
      Objects.requireNonNull(retryPolicy, "retryPolicy");
      if (ackWait == null || ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("ackWait must be at least 1s but was " + ackWait);
      }
      if (deadLetterMaxAge == null || deadLetterMaxAge.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("deadLetterMaxAge must be at least 1 minute but was " + deadLetterMaxAge);
      }
      if (replicas < 1 || replicas > 5) {
        throw new IllegalArgumentException("replicas must be between 1 and 5 but was " + replicas);
      }
    }

    public static Settings defaults() {
      return new Settings("ultrachat", RetryPolicy.defaults(), Duration.ofSeconds(30), Duration.ofDays(30), 1);
    }

    public Settings withNamespace(String ns) {
      return new Settings(ns, retryPolicy, ackWait, deadLetterMaxAge, replicas);
    }

    public Settings withRetryPolicy(RetryPolicy policy) {
      return new Settings(namespace, policy, ackWait, deadLetterMaxAge, replicas);
    }

    public Settings withAckWait(Duration wait) {
      return new Settings(namespace, retryPolicy, wait, deadLetterMaxAge, replicas);
    }
  }

  private final Connection connection;
  private final boolean ownsConnection;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final Settings settings;
  private final RetryPolicy policy;
  private final Clock clock;
  /** Sends progress reports for running jobs; tasks are tiny and never block. */
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("workqueue-progress").daemon().factory());
  private final Map<String, Boolean> provisioned = new ConcurrentHashMap<>();
  private final Set<JsWorker> workers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Uses a connection the caller owns and closes.
   *
   * @throws IllegalStateException if JetStream is not enabled on the server
   */
  public JetStreamWorkQueue(Connection connection, Settings settings, Clock clock) {
    this(connection, false, settings, clock);
  }

  private JetStreamWorkQueue(Connection connection, boolean ownsConnection, Settings settings, Clock clock) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.ownsConnection = ownsConnection;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.policy = settings.retryPolicy();
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      this.js = connection.jetStream();
      this.jsm = connection.jetStreamManagement();
      jsm.getAccountStatistics();
    } catch (IOException | JetStreamApiException e) {
      if (ownsConnection) {
        closeQuietly(connection);
      }
      throw new IllegalStateException("NATS at " + NatsConnections.redact(String.valueOf(connection.getConnectedUrl()))
          + " has no JetStream (" + e.getMessage() + "); start nats-server with -js, or point " + URL_SETTING + " at one that has it", e);
    }
  }

  /**
   * Connects to {@code url} with a connection of its own, failing fast.
   *
   * @throws IllegalStateException if the server cannot be reached or has no JetStream; the
   *     message names the URL (without credentials) and {@value #URL_SETTING}
   */
  public static JetStreamWorkQueue connect(String url, Settings settings, Clock clock) {
    Options options = NatsConnections.options(url, URL_SETTING, "ultrachat-workqueue", Duration.ofSeconds(2), Duration.ofSeconds(1))
        .connectionListener((conn, type) -> {
          if (type == ConnectionListener.Events.DISCONNECTED) {
            LOG.warn("work queue lost its NATS connection; reconnecting");
          } else if (type == ConnectionListener.Events.RECONNECTED) {
            LOG.info("work queue reconnected to NATS");
          }
        })
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            LOG.warn("NATS error on the work queue connection: {}", error);
          }

          @Override
          public void exceptionOccurred(Connection conn, Exception e) {
            LOG.warn("NATS exception on the work queue connection: {}", e.toString());
          }
        })
        .build();
    return new JetStreamWorkQueue(NatsConnections.connect(options, url, URL_SETTING), true, settings, clock);
  }

  String workStream(String queue) {
    return settings.namespace() + "_work_" + queue;
  }

  String deadStream(String queue) {
    return settings.namespace() + "_dead_" + queue;
  }

  private String workSubject(String queue) {
    return settings.namespace() + ".work." + queue;
  }

  private String deadSubject(String queue) {
    return workSubject(queue) + ".dead";
  }

  @Override
  public void enqueue(String queue, byte[] payload) {
    WorkQueueArguments.checkQueue(queue);
    WorkQueueArguments.checkPayload(payload);
    checkOpen();
    provision(queue);
    try {
      js.publish(workSubject(queue), payload);
    } catch (IOException | JetStreamApiException e) {
      throw new Unavailable("could not store a job on queue '" + queue + "': " + e.getMessage(), e);
    }
  }

  @Override
  public Worker consume(String queue, int concurrency, JobHandler handler) {
    WorkQueueArguments.checkQueue(queue);
    WorkQueueArguments.checkConcurrency(concurrency);
    WorkQueueArguments.checkHandler(handler);
    checkOpen();
    provision(queue);
    JetStreamSubscription subscription;
    try {
      subscription = js.subscribe(workSubject(queue), PullSubscribeOptions.bind(workStream(queue), CONSUMER));
    } catch (IOException | JetStreamApiException e) {
      throw new Unavailable("could not start a worker on queue '" + queue + "': " + e.getMessage(), e);
    }
    JsWorker worker = new JsWorker(queue, concurrency, handler, subscription);
    workers.add(worker);
    worker.start();
    return worker;
  }

  @Override
  public List<DeadLetter> deadLetters(String queue, int limit) {
    WorkQueueArguments.checkQueue(queue);
    WorkQueueArguments.checkLimit(limit);
    checkOpen();
    String stream = deadStream(queue);
    List<DeadLetter> out = new ArrayList<>();
    try {
      StreamInfo info = jsm.getStreamInfo(stream);
      long last = info.getStreamState().getLastSequence();
      for (long seq = info.getStreamState().getFirstSequence(); seq <= last && seq > 0 && out.size() < limit; seq++) {
        try {
          out.add(toDeadLetter(queue, jsm.getMessage(stream, seq)));
        } catch (JetStreamApiException e) {
          if (e.getApiErrorCode() != NO_MESSAGE_FOUND) {
            throw e;
          }
        }
      }
      return out;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return List.of();
      }
      throw new Unavailable("could not read the dead letters of queue '" + queue + "': " + e.getMessage(), e);
    } catch (IOException e) {
      throw new Unavailable("could not read the dead letters of queue '" + queue + "': " + e.getMessage(), e);
    }
  }

  private DeadLetter toDeadLetter(String queue, MessageInfo m) {
    Headers h = m.getHeaders();
    byte[] data = m.getData();
    String attempts = h == null ? null : h.getFirst(HEADER_ATTEMPTS);
    String deadAt = h == null ? null : h.getFirst(HEADER_DEAD_AT);
    String id = h == null ? null : h.getFirst(HEADER_JOB_ID);
    String reason = h == null ? null : h.getFirst(HEADER_REASON);
    return new DeadLetter(
        id == null ? "dead-" + m.getSeq() : id,
        queue,
        data == null ? new byte[0] : data,
        attempts == null ? 0 : Integer.parseInt(attempts),
        reason == null ? "" : reason,
        deadAt == null ? m.getTime().toInstant() : Instant.parse(deadAt));
  }

  /**
   * Deletes a queue's streams, its jobs and dead letters with them. For operators and tests;
   * workers of the queue stop receiving jobs.
   */
  public void deleteQueue(String queue) {
    WorkQueueArguments.checkQueue(queue);
    provisioned.remove(queue);
    for (String stream : List.of(workStream(queue), deadStream(queue))) {
      try {
        jsm.deleteStream(stream);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
          throw new Unavailable("could not delete stream " + stream + ": " + e.getMessage(), e);
        }
      } catch (IOException e) {
        throw new Unavailable("could not delete stream " + stream + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List.copyOf(workers).forEach(JsWorker::close);
    ticker.shutdownNow();
    if (ownsConnection) {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the work queue is closed");
    }
  }

  /** Creates or updates the queue's streams and consumer, once per queue and process. */
  private void provision(String queue) {
    if (provisioned.containsKey(queue)) {
      return;
    }
    try {
      upsert(StreamConfiguration.builder()
          .name(workStream(queue))
          .subjects(workSubject(queue))
          .retentionPolicy(RetentionPolicy.WorkQueue)
          .storageType(StorageType.File)
          .discardPolicy(DiscardPolicy.New)
          .replicas(settings.replicas())
          .build());
      upsert(StreamConfiguration.builder()
          .name(deadStream(queue))
          .subjects(deadSubject(queue))
          .retentionPolicy(RetentionPolicy.Limits)
          .storageType(StorageType.File)
          .maxAge(settings.deadLetterMaxAge())
          .replicas(settings.replicas())
          .build());
      jsm.addOrUpdateConsumer(workStream(queue), ConsumerConfiguration.builder()
          .durable(CONSUMER)
          .filterSubject(workSubject(queue))
          .ackPolicy(AckPolicy.Explicit)
          .ackWait(settings.ackWait())
          .deliverPolicy(DeliverPolicy.All)
          .maxDeliver(-1) // see the class notes: dead-lettering is ours
          .maxAckPending(MAX_ACK_PENDING)
          .build());
      provisioned.put(queue, Boolean.TRUE);
    } catch (IOException | JetStreamApiException e) {
      throw new Unavailable("could not set up the streams of queue '" + queue + "': " + e.getMessage(), e);
    }
  }

  private void upsert(StreamConfiguration config) throws IOException, JetStreamApiException {
    try {
      jsm.addStream(config);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
      jsm.updateStream(config);
    }
  }

  /**
   * One worker: a virtual thread that pulls as many jobs as there are free slots, and a
   * virtual thread per job.
   */
  private final class JsWorker implements Worker {
    final String queue;
    final int concurrency;
    final JobHandler handler;
    final JetStreamSubscription subscription;
    final Semaphore slots;
    final ExecutorService jobs;
    volatile boolean running = true;
    volatile Thread puller;

    JsWorker(String queue, int concurrency, JobHandler handler, JetStreamSubscription subscription) {
      this.queue = queue;
      this.concurrency = concurrency;
      this.handler = handler;
      this.subscription = subscription;
      this.slots = new Semaphore(concurrency);
      this.jobs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("workqueue-" + queue + "-", 0).factory());
    }

    void start() {
      puller = Thread.ofVirtual().name("workqueue-" + queue + "-pull").start(this::pull);
    }

    private void pull() {
      Duration pause = Duration.ofMillis(100);
      while (running) {
        int free = 0;
        try {
          if (!slots.tryAcquire(FETCH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            continue;
          }
          free = 1 + slots.drainPermits();
          // One pull request for every free slot; each job starts as soon as it arrives. The
          // request is drained to its end even when closing, so no job is left in the buffer.
          Iterator<Message> batch = subscription.iterate(free, FETCH_WAIT);
          while (batch.hasNext()) {
            Message m = batch.next();
            free--;
            jobs.execute(() -> run(m));
          }
          slots.release(free);
          pause = Duration.ofMillis(100);
        } catch (InterruptedException e) {
          slots.release(free);
          return;
        } catch (RuntimeException e) {
          slots.release(free);
          if (!running) {
            return;
          }
          // The connection is down or the stream was deleted: back off, and keep trying.
          LOG.warn("worker of queue '{}' could not pull jobs: {}", queue, e.toString());
          try {
            Thread.sleep(pause);
          } catch (InterruptedException ie) {
            return;
          }
          pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
        }
      }
    }

    /** On the job's virtual thread: one attempt and its settlement; frees the slot. */
    private void run(Message m) {
      try {
        int attempt = (int) Math.min(Integer.MAX_VALUE, m.metaData().deliveredCount());
        String id = Long.toString(m.metaData().streamSequence());
        if (attempt > policy.maxDeliveries()) {
          bury(m, id, attempt - 1, "gave up after " + (attempt - 1) + " attempts; the last did not finish within the ack wait");
          return;
        }
        Duration every = settings.ackWait().dividedBy(3);
        ScheduledFuture<?> progress = ticker.scheduleAtFixedRate(m::inProgress, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        byte[] data = m.getData();
        Outcome outcome = Outcome.retryAfter(policy.backoff(attempt), "the handler did not finish");
        try {
          outcome = policy.attempt(handler, new Job(id, queue, data == null ? new byte[0] : data, attempt));
        } finally {
          progress.cancel(false);
          settle(m, id, attempt, outcome);
        }
      } catch (RuntimeException e) {
        // Settling failed (connection lost): the server hands the job out again after ackWait.
        LOG.warn("could not settle a job of queue '{}': {}", queue, e.toString());
      } finally {
        slots.release();
      }
    }

    private void settle(Message m, String id, int attempt, Outcome outcome) {
      switch (policy.settle(attempt, outcome)) {
        case Settlement.Remove r -> m.ack();
        case Settlement.Redeliver r -> m.nakWithDelay(r.after());
        case Settlement.GiveUp g -> bury(m, id, attempt, g.reason());
      }
    }

    /** Publishes the job to the dead letters, then terminates it; if publishing fails, retries later. */
    private void bury(Message m, String id, int attempts, String reason) {
      Headers headers = new Headers()
          .put(HEADER_JOB_ID, id)
          .put(HEADER_ATTEMPTS, Integer.toString(attempts))
          .put(HEADER_REASON, headerSafe(reason))
          .put(HEADER_DEAD_AT, clock.instant().toString());
      byte[] data = m.getData();
      try {
        js.publish(NatsMessage.builder().subject(deadSubject(queue)).headers(headers).data(data == null ? new byte[0] : data).build());
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        LOG.warn("could not dead-letter job {} of queue '{}'; it will be tried again: {}", id, queue, e.toString());
        m.nakWithDelay(policy.backoff(Math.max(1, attempts)));
        return;
      }
      m.term();
      LOG.warn("job {} on queue '{}' dead-lettered after {} attempts: {}", id, queue, attempts, reason);
    }

    @Override
    public void close() {
      if (!running) {
        return;
      }
      running = false;
      workers.remove(this);
      try {
        Thread p = puller;
        if (p != null && !p.join(FETCH_WAIT.plusSeconds(2))) {
          p.interrupt();
        }
        // Every slot back means every running job has settled.
        if (!slots.tryAcquire(concurrency, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("closed a worker of queue '{}' with jobs still running; they are handed out again after the ack wait", queue);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        subscription.unsubscribe();
      } catch (IllegalStateException e) {
        LOG.debug("worker of queue '{}' unsubscribed after its connection closed", queue);
      }
      jobs.shutdown();
    }
  }

  /** Keeps a reason within what a NATS header value may hold: printable ASCII, bounded. */
  static String headerSafe(String reason) {
    StringBuilder b = new StringBuilder(Math.min(reason.length(), 500));
    for (int i = 0; i < reason.length() && b.length() < 500; i++) {
      char c = reason.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
