package dev.headroom.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.headroom.core.Checks;
import java.io.IOException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link ValueCodec} that writes values as JSON with Jackson 2. Unknown properties fail decoding (so a value of an
 * older or newer shape is a miss, not a half-filled object), and so does a header with another type or version.
 *
 * <pre>{@code
 * ValueCodec<Answer> codec = JacksonCodec.of(Answer.class, 2);          // type id "Answer", schema version 2
 * ValueCodec<Answer> custom = JacksonCodec.of(mapper, Answer.class, "answer", 2);
 * }</pre>
 *
 * @param <V> the value type
 */
public final class JacksonCodec<V> implements ValueCodec<V> {
  private static final Pattern TYPE_ID = Pattern.compile("[A-Za-z0-9._$-]{1,100}");

  private final String typeId;
  private final int version;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private JacksonCodec(ObjectMapper mapper, JavaType type, String typeId, int version) {
    if (!TYPE_ID.matcher(typeId).matches()) {
      throw Checks.in("codec").invalid("typeId", typeId, "must be 1-100 of letters, digits and . _ - $");
    }
    Checks.in("codec").atLeast("version", version, 0);
    this.typeId = typeId;
    this.version = version;
    this.reader = mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    this.writer = mapper.writerFor(type);
  }

  /** A codec for {@code type} with a plain {@link ObjectMapper}; the type id is the class's simple name. */
  public static <V> JacksonCodec<V> of(Class<V> type, int version) {
    Objects.requireNonNull(type, "type");
    return of(new ObjectMapper().findAndRegisterModules(), type, type.getSimpleName(), version);
  }

  /** A codec for {@code type} with the given mapper and type id. */
  public static <V> JacksonCodec<V> of(ObjectMapper mapper, Class<V> type, String typeId, int version) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(typeId, "typeId");
    return new JacksonCodec<>(mapper, mapper.constructType(type), typeId, version);
  }

  /** A codec for a generic type such as {@code List<Answer>}. */
  public static <V> JacksonCodec<V> of(ObjectMapper mapper, com.fasterxml.jackson.core.type.TypeReference<V> type,
      String typeId, int version) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(typeId, "typeId");
    return new JacksonCodec<>(mapper, mapper.constructType(type), typeId, version);
  }

  @Override
  public String typeId() {
    return typeId;
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public byte[] encode(V value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode a value of type " + typeId + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  @Override
  public V decode(byte[] bytes) {
    try {
      V value = reader.readValue(bytes);
      if (value == null) {
        throw new CacheDecodeException("JSON null is not a value of " + typeId);
      }
      return value;
    } catch (IOException e) {
      // the message names the property, never the value
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new CacheDecodeException("not a " + typeId + " v" + version + ": " + detail, e);
    }
  }

  @Override
  public String toString() {
    return "JacksonCodec{" + typeId + " v" + version + '}';
  }
}
