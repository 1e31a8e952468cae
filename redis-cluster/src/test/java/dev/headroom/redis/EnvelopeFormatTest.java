package dev.headroom.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeFormatTest {
  private final EnvelopeFormat<Answer> format = new EnvelopeFormat<>(Answer.CODEC);

  @Test
  void writesAReadableHeaderAndReadsItBack() {
    byte[] bytes = format.encode(new Envelope<>(new Answer("hi", 3), 1_000, 61_000, 250));
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("hr1 Answer 2 1000 61000 250\n{\"text\":\"hi\",\"tokens\":3}");
    Envelope<Answer> back = format.decode(bytes);
    assertThat(back).isEqualTo(new Envelope<>(new Answer("hi", 3), 1_000, 61_000, 250));
    assertThat(back.ttlMillis()).isEqualTo(60_000);
  }

  @Test
  void refusesAnotherSchemaVersionAnotherTypeAndBytesWithoutAHeader() {
    byte[] v1 = new EnvelopeFormat<>(AnswerV1.CODEC).encode(new Envelope<>(new AnswerV1("old"), 1, 2, 0));
    assertThatThrownBy(() -> format.decode(v1)).isInstanceOf(CacheDecodeException.class)
        .hasMessageContaining("schema version 1").hasMessageContaining("expected version 2");
    assertThat(EnvelopeFormat.describe(v1)).isEqualTo("Answer v1");

    byte[] other = "hr1 Invoice 2 1 2 0\n{}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> format.decode(other)).isInstanceOf(CacheDecodeException.class)
        .hasMessageContaining("'Invoice'");
    assertThatThrownBy(() -> format.decode("plain text".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CacheDecodeException.class).hasMessageContaining("no cache header");
    assertThatThrownBy(() -> format.decode("hr1 Answer 2 1 2 0\n{\"text\":\"x\",\"tokens\":1,\"extra\":1}"
        .getBytes(StandardCharsets.UTF_8))).isInstanceOf(CacheDecodeException.class)
        .hasMessageContaining("extra");
  }

  @Test
  void rejectsTypeIdsThatWouldBreakTheHeader() {
    assertThatThrownBy(() -> JacksonCodec.of(new com.fasterxml.jackson.databind.ObjectMapper(), Answer.class,
        "two words", 1)).isInstanceOf(ConfigException.class).hasMessageContaining("two words");
    assertThatThrownBy(() -> JacksonCodec.of(Answer.class, -1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("version");
  }
}
