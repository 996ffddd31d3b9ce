package io.ultrachat.kernel.queue;

import java.util.regex.Pattern;

/**
 * Checks of {@link WorkQueue} arguments, shared by the
 * implementations so they refuse the same input with the same message. Names are restricted to
 * what is valid both as a NATS subject token and as a JetStream stream name.
 */
public final class WorkQueueArguments {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  public static final int MAX_CONCURRENCY = 1024;
  public static final int MAX_DEAD_LETTER_LIMIT = 10_000;

  private WorkQueueArguments() {}

  public static String checkQueue(String queue) {
    if (queue == null || !NAME.matcher(queue).matches()) {
      throw new IllegalArgumentException("queue name must be 1 to 64 letters, digits, '_' or '-' but was '" + queue + "'");
    }
    return queue;
  }

  public static byte[] checkPayload(byte[] payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload must not be null");
    }
    if (payload.length > WorkQueue.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payload must be at most " + WorkQueue.MAX_PAYLOAD_BYTES + " bytes but was " + payload.length);
    }
    return payload;
  }

  public static int checkConcurrency(int concurrency) {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY + " but was " + concurrency);
    }
    return concurrency;
  }

  public static JobHandler checkHandler(JobHandler handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null");
    }
    return handler;
  }

  public static int checkLimit(int limit) {
    if (limit < 1 || limit > MAX_DEAD_LETTER_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_DEAD_LETTER_LIMIT + " but was " + limit);
    }
    return limit;
  }
}
