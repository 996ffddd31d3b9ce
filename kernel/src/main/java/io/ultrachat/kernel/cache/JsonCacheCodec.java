package io.ultrachat.kernel.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ultrachat.kernel.json.Json;
import java.io.IOException;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link CacheCodec} that writes values as JSON with the API's mapper ({@link Json}), for
 * immutable records and collections of them. Keys that are strings, numbers, UUIDs or enums are
 * their own text; any other key (a record, say) is its JSON, which is deterministic and
 * injective for records of such types.
 *
 * <p>The mapper is the API's strict one, so a value written by a newer version with a field this
 * version does not know fails to decode; the shared tier then counts it as a miss and the value
 * is loaded again, which is the safe outcome during a rolling upgrade.
 */
public final class JsonCacheCodec<K, V> implements CacheCodec<K, V> {
  private final ObjectMapper mapper;
  private final JavaType type;

  private JsonCacheCodec(ObjectMapper mapper, JavaType type) {
    this.mapper = mapper;
    this.type = type;
  }

  /** Values of one class, for example a record. */
  public static <K, V> JsonCacheCodec<K, V> of(Class<V> type) {
    Objects.requireNonNull(type, "type");
    return new JsonCacheCodec<>(Json.mapper(), Json.mapper().constructType(type));
  }

  /** Values of a generic type, for example {@code new TypeReference<List<Message>>() {}}. */
  public static <K, V> JsonCacheCodec<K, V> of(TypeReference<V> type) {
    Objects.requireNonNull(type, "type");
    return new JsonCacheCodec<>(Json.mapper(), Json.mapper().constructType(type));
  }

  @Override
  public String key(K key) {
    Objects.requireNonNull(key, "key");
    if (key instanceof CharSequence || key instanceof Number || key instanceof UUID || key instanceof Enum<?>) {
      return key.toString();
    }
    try {
      return mapper.writeValueAsString(key);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cache key of " + key.getClass().getName() + " cannot be written as JSON", e);
    }
  }

  @Override
  public byte[] encode(V value) {
    Objects.requireNonNull(value, "value");
    try {
      return mapper.writerFor(type).writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cache value of " + value.getClass().getName() + " cannot be written as JSON", e);
    }
  }

  @Override
  public V decode(byte[] bytes) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      // The parser's message may quote the cached content, so it stays in the cause only.
      throw new IllegalArgumentException("cached bytes are not a " + type.toCanonical(), e);
    }
  }
}
