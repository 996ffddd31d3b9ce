package io.ultrachat.kernel.bus;

import java.util.function.Consumer;

/**
 * Publish/subscribe of events between services and nodes: the in-process bus on one node, NATS
 * across many.
 *
 * <p>Subjects are dot-separated tokens ({@code chat.conversation.42}). Patterns follow NATS:
 * {@code *} matches exactly one token, {@code >} (last token only) matches one or more.
 *
 * <p>Delivery is at most once and in publish order per subscription; a subscriber that falls
 * too far behind loses messages rather than slowing publishers. Consumers that must not miss
 * anything (the realtime edge) recover from the store by sequence number. Implementations are
 * thread-safe; handlers run on a thread of the subscription, never on the publisher's.
 */
public interface Bus extends AutoCloseable {
  /**
   * Publishes a message. Never blocks on subscribers.
   *
   * @throws IllegalArgumentException if the subject is empty, has empty tokens, whitespace or wildcards
   */
  void publish(String subject, byte[] payload);

  /**
   * Subscribes to a subject or pattern. The handler sees messages published after this call
   * returns.
   *
   * @throws IllegalArgumentException if the pattern is malformed
   */
  Subscription subscribe(String pattern, Consumer<BusMessage> handler);

  @Override
  void close();

  /** A live subscription; closing it stops delivery. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
