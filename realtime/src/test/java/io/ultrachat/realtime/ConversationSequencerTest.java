package io.ultrachat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.chat.message.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A conversation's message events leave the sequencer in seq order, without gaps or repeats. */
class ConversationSequencerTest {
  private static final long CONVERSATION = 7;

  /** The store: messages 1..stored exist. */
  private long stored = 3;
  private int reads;
  private boolean storeDown;
  private final List<String> out = new ArrayList<>();

  private final ConversationSequencer.MessageSource source = new ConversationSequencer.MessageSource() {
    @Override
    public long lastSeq(long conversationId) {
      return stored;
    }

    @Override
    public List<Message> after(long conversationId, long afterSeq, int limit) {
      reads++;
      if (storeDown) {
        throw new IllegalStateException("store down");
      }
      List<Message> ms = new ArrayList<>();
      for (long s = afterSeq + 1; s <= stored && ms.size() < limit; s++) {
        ms.add(new Message(1000 + s, CONVERSATION, s, 1, Optional.of("m" + s), Instant.EPOCH, Optional.empty(), Optional.empty()));
      }
      return ms;
    }
  };

  private ConversationSequencer sequencer(int fillMax) {
    return new ConversationSequencer(CONVERSATION, source, fillMax, (seq, frame, payload) -> out.add(describe(frame)));
  }

  /** "live:5" for an event passed on, "store:5" for one fetched, "resync:5" for a resync from 5. */
  private static String describe(String frame) {
    if (frame.startsWith("{\"type\":\"resync\"")) {
      return "resync:" + frame.replaceAll(".*\"fromSeq\":(\\d+).*", "$1");
    }
    String seq = frame.replaceAll(".*\"seq\":(\\d+).*", "$1");
    return (frame.contains("\"live\"") ? "live:" : "store:") + seq;
  }

  private void live(ConversationSequencer s, long seq) {
    stored = Math.max(stored, seq);
    String payload = "{\"type\":\"message.created\",\"conversationId\":\"7\",\"seq\":" + seq + ",\"message\":{\"body\":\"live\"}}";
    s.accept(seq, "{\"type\":\"event\",\"event\":" + payload + "}", payload);
  }

  @Test
  void inOrderEventsPassStraightThrough() {
    ConversationSequencer s = sequencer(100);
    s.start();
    live(s, 4);
    live(s, 5);
    assertThat(out).containsExactly("live:4", "live:5");
    assertThat(reads).isZero();
  }

  @Test
  void anEventAfterAGapFirstBringsTheMissingFromTheStoreAndTheLateOneIsDropped() {
    ConversationSequencer s = sequencer(100);
    s.start();
    stored = 6;
    live(s, 6);
    live(s, 4);
    live(s, 5);
    live(s, 7);
    assertThat(out).containsExactly("store:4", "store:5", "live:6", "live:7");
    assertThat(reads).isEqualTo(1);
  }

  @Test
  void eventsBeforeTheStartAreHeldThenSequencedFromTheStoresLastSeq() {
    ConversationSequencer s = sequencer(100);
    live(s, 5);
    live(s, 4);
    assertThat(out).isEmpty();
    // Started once 4 and 5 were committed: their events came after the subscription, but the
    // followers read positions after the start, so they have them already.
    s.start();
    s.start();
    live(s, 6);
    assertThat(out).containsExactly("live:6");
  }

  @Test
  void tooBigAGapOrAStoreThatFailsBecomesAResync() {
    ConversationSequencer s = sequencer(2);
    s.start();
    live(s, 10);
    assertThat(out).containsExactly("resync:4", "live:10");
    out.clear();
    storeDown = true;
    live(s, 12);
    live(s, 13);
    assertThat(out).containsExactly("resync:11", "live:12", "live:13");
  }
}
