package io.ultrachat.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.http.ApiRequest;
import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A request as handlers see it, copied out of the Vert.x context so a handler may run on any
 * thread. Binds JSON bodies strictly and explains every binding failure by field.
 */
final class BoundRequest implements ApiRequest {
  private final Map<String, String> pathParams;
  private final MultiMap query;
  private final MultiMap headers;
  private final Buffer body;
  /** The streamed body of a raw-body endpoint; null on JSON endpoints. */
  private final InputStream bodyStream;
  private final String clientAddress;
  private final String requestId;
  private Optional<Principal> principal = Optional.empty();

  BoundRequest(Map<String, String> pathParams, MultiMap query, MultiMap headers, Buffer body, InputStream bodyStream,
      String clientAddress, String requestId) {
    this.bodyStream = bodyStream;
    this.pathParams = pathParams;
    this.query = query;
    this.headers = headers;
    this.body = body;
    this.clientAddress = clientAddress;
    this.requestId = requestId;
  }

  void authenticatedAs(Principal p) {
    this.principal = Optional.of(p);
  }

  @Override
  public String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no path parameter '" + name + "' in this route");
    }
    return v;
  }

  @Override
  public Optional<String> query(String name) {
    return Optional.ofNullable(query.get(name));
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  @Override
  public <T> T body(Class<T> type) {
    return optionalBody(type).orElseThrow(() -> new InvalidInput("missing-body", "a JSON request body is required"));
  }

  @Override
  public <T> Optional<T> optionalBody(Class<T> type) {
    if (body == null || body.length() == 0) {
      return Optional.empty();
    }
    try {
      T value = Json.mapper().readValue(body.getBytes(), type);
      if (value == null) {
        throw new InvalidInput("invalid-input", "the body must be a JSON object");
      }
      return Optional.of(value);
    } catch (JsonParseException e) {
      throw new InvalidInput("malformed-json", "the body is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (UnrecognizedPropertyException e) {
      String field = path(e);
      Collection<Object> known = e.getKnownPropertyIds();
      String knownList = known == null ? "" : "; known fields are " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
      throw new InvalidInput("invalid-input", field + ": is not a known field" + knownList,
          List.of(new InvalidInput.FieldError(field, "is not a known field")));
    } catch (MismatchedInputException e) {
      String field = path(e);
      if (field.isEmpty()) {
        throw new InvalidInput("invalid-input", "the body must be a JSON object");
      }
      String expected = expected(e.getTargetType());
      throw new InvalidInput("invalid-input", field + ": " + expected, List.of(new InvalidInput.FieldError(field, expected)));
    } catch (JsonMappingException e) {
      throw new InvalidInput("invalid-input", "the body does not have the expected shape");
    } catch (JsonProcessingException e) {
      throw new InvalidInput("malformed-json", "the body is not valid JSON");
    } catch (IOException e) {
      throw new InvalidInput("malformed-json", "the body could not be read");
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "has the wrong type";
    }
    if (type == String.class) {
      return "must be a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "must be a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "must be an array";
    }
    return "must be an object";
  }

  @Override
  public InputStream bodyStream() {
    if (bodyStream == null) {
      throw new IllegalStateException("this endpoint takes a JSON body; declare a RawBody to stream one");
    }
    return bodyStream;
  }

  @Override
  public Optional<Principal> principal() {
    return principal;
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public String requestId() {
    return requestId;
  }
}
