package io.ultrachat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ultrachat.kernel.cache.CacheCodec;
import io.ultrachat.kernel.cache.JsonCacheCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonCacheCodecTest {
  record Message(long id, String body, Instant at) {}

  record Key(String conversation, long seq) {}

  @Test
  void recordsAndListsOfThemRoundTrip() {
    CacheCodec<String, Message> one = JsonCacheCodec.of(Message.class);
    Message m = new Message(1, "hi", Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(one.decode(one.encode(m))).isEqualTo(m);
    CacheCodec<String, List<Message>> many = JsonCacheCodec.of(new TypeReference<List<Message>>() {});
    assertThat(many.decode(many.encode(List.of(m, m)))).containsExactly(m, m);
  }

  @Test
  void simpleKeysAreTheirOwnTextAndRecordKeysTheirJson() {
    UUID id = UUID.randomUUID();
    assertThat(JsonCacheCodec.<String, String>of(String.class).key("u1")).isEqualTo("u1");
    assertThat(JsonCacheCodec.<Long, String>of(String.class).key(42L)).isEqualTo("42");
    assertThat(JsonCacheCodec.<UUID, String>of(String.class).key(id)).isEqualTo(id.toString());
    assertThat(JsonCacheCodec.<Key, String>of(String.class).key(new Key("c1", 7))).isEqualTo("{\"conversation\":\"c1\",\"seq\":7}");
  }

  @Test
  void unreadableBytesAreAnIllegalArgumentThatDoesNotQuoteThem() {
    CacheCodec<String, Message> codec = JsonCacheCodec.of(Message.class);
    assertThatThrownBy(() -> codec.decode("{\"secret-body\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret-body");
  }
}
