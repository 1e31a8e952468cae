package dev.headroom.examples.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LlmDemoTest {
  @Test
  void theEmbeddedLlmSectionRunsAndShowsEachBehaviour() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LlmDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("one streamed answer").contains("first token after");
    assertThat(out).contains("served by: {");
    assertThat(out).contains("StreamInterruptedException after").contains("same as received: true");
    assertThat(out).contains("ejections: 0");
    assertThat(out).contains("second answer from: cache");
    assertThat(out).contains("requests went to the cloud, then: cloud spend limit");
  }
}
