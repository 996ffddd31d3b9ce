package io.ultrachat.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ultrachat.chat.ChatEvents;
import io.ultrachat.chat.message.Message;
import io.ultrachat.kernel.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts one conversation's {@code message.created} events in {@code seq} order, without gaps,
 * before this node fans them out, so that delivery per conversation is in order.
 *
 * <p>Design notes. Senders publish after their commit, each on its own thread, so messages
 * committed as 5 then 6 may reach the bus as 6 then 5; and the bus delivers at most once. The
 * sequencer passes on events in order and remembers the last {@code seq} it passed on. An event
 * after a gap first fetches the missing messages from the store: they are all committed, since
 * {@code n + 1} commits only after {@code n} (the conversation's row lock). A late or repeated
 * event is dropped, because the store already supplied it. More than {@code fillMax} missing,
 * or a store that fails, becomes a {@code resync} frame instead, as on resume.
 *
 * <p>The starting point is the conversation's last {@code seq}, read once the bus subscription
 * is live ({@link #start}); a connection reads its own positions after that, so it misses
 * nothing. Events that arrive before the start are held. Other events of the conversation
 * ({@code typing}, edits, reactions) are not sequenced and do not pass through here.
 *
 * <p>Thread-safe; {@link #accept} runs on the subscription's bus thread and blocks it while
 * filling a gap, which holds up only this conversation on this node.
 */
final class ConversationSequencer {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationSequencer.class);
  private static final long UNKNOWN = -1;
  private static final int HOLD_MAX = 10_000;

  /** Where missing messages come from. */
  interface MessageSource {
    long lastSeq(long conversationId);

    List<Message> after(long conversationId, long afterSeq, int limit);

    /** The {@code message.created} events of replayed messages, in the same order. */
    default List<Map<String, Object>> createdEvents(long conversationId, List<Message> messages) {
      return messages.stream().map(ChatEvents::messageCreatedEvent).toList();
    }
  }

  private final long conversationId;
  private final MessageSource source;
  private final int fillMax;
  private final Output fanOut;

  /** Where ordered events go. */
  @FunctionalInterface
  interface Output {
    /**
     * @param seq the message's sequence number, or {@link #RESYNC} for a {@code resync} frame
     * @param payload the event JSON ("" for a resync)
     */
    void accept(long seq, String frame, String payload);
  }

  static final long RESYNC = -1;
  private final List<Held> held = new ArrayList<>();
  private long last = UNKNOWN;
  private boolean firstEventDecides;

  private record Held(long seq, String frame, String payload) {}

  /**
   * @param fanOut receives (frame, event payload) in order, to send to the followers
   */
  ConversationSequencer(long conversationId, MessageSource source, int fillMax, Output fanOut) {
    this.conversationId = conversationId;
    this.source = source;
    this.fillMax = fillMax;
    this.fanOut = fanOut;
  }

  /** Reads the starting point, once; then passes on what was held meanwhile. Idempotent. */
  synchronized void start() {
    if (last != UNKNOWN || firstEventDecides) {
      return;
    }
    try {
      last = source.lastSeq(conversationId);
    } catch (RuntimeException e) {
      LOG.warn("could not read the last seq of conversation {}; its first event decides: {}", conversationId, e.getMessage());
      firstEventDecides = true;
    }
    List<Held> waiting = List.copyOf(held);
    held.clear();
    for (Held h : waiting) {
      accept(h.seq, h.frame, h.payload);
    }
  }

  /** One {@code message.created} event from the bus. */
  synchronized void accept(long seq, String frame, String payload) {
    if (last == UNKNOWN && !firstEventDecides) {
      if (held.size() < HOLD_MAX) {
        held.add(new Held(seq, frame, payload));
      } else {
        LOG.warn("conversation {}: too many events before its start; dropping seq {}", conversationId, seq);
      }
      return;
    }
    if (firstEventDecides) {
      firstEventDecides = false;
      last = seq - 1;
    }
    if (seq <= last) {
      return;
    }
    if (seq > last + 1) {
      fill(seq);
    }
    fanOut.accept(seq, frame, payload);
    last = seq;
  }

  /** Passes on the messages between {@code last} and {@code seq} from the store, or a resync. */
  private void fill(long seq) {
    long missing = seq - last - 1;
    if (missing <= fillMax) {
      try {
        List<Message> missed = source.after(conversationId, last, (int) missing);
        List<Map<String, Object>> events = source.createdEvents(conversationId, missed);
        for (int i = 0; i < missed.size(); i++) {
          Message m = missed.get(i);
          if (m.seq() > last && m.seq() < seq) {
            String payload = json(events.get(i));
            fanOut.accept(m.seq(), "{\"type\":\"event\",\"event\":" + payload + "}", payload);
            last = m.seq();
          }
        }
        if (last == seq - 1) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.warn("conversation {}: could not fill seq {} to {}: {}", conversationId, last + 1, seq - 1, e.getMessage());
      }
    }
    Map<String, Object> resync = new LinkedHashMap<>();
    resync.put("type", "resync");
    resync.put("conversationId", Long.toString(conversationId));
    resync.put("fromSeq", last + 1);
    fanOut.accept(RESYNC, json(resync), "");
    last = seq - 1;
  }

  private static String json(Object o) {
    try {
      return Json.mapper().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
