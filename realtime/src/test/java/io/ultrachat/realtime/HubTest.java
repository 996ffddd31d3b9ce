package io.ultrachat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HubTest {
  private static long seq(String json) {
    return Hub.messageCreatedSeq(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheSeqOfMessageCreatedEventsWithoutParsingTheMessage() {
    assertThat(seq("{\"type\":\"message.created\",\"conversationId\":\"7\",\"seq\":42,\"message\":{\"seq\":1}}")).isEqualTo(42);
    // Order of fields does not matter, and nested fields of the same name are not the event's.
    assertThat(seq("{\"message\":{\"seq\":1,\"type\":\"x\"},\"seq\":9,\"type\":\"message.created\"}")).isEqualTo(9);
  }

  @Test
  void anyOtherEventOrMalformedPayloadIsNotASequencedMessage() {
    assertThat(seq("{\"type\":\"message.edited\",\"seq\":3}")).isZero();
    assertThat(seq("{\"type\":\"message.created\"}")).isZero();
    assertThat(seq("{\"type\":\"message.created\",\"seq\":\"3\"}")).isZero();
    assertThat(seq("[1,2]")).isZero();
    assertThat(seq("{\"type\":\"message.created\",\"seq\":")).isZero();
    assertThat(seq("")).isZero();
  }
}
