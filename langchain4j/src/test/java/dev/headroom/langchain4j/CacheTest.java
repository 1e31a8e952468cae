package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A deterministic request answered from the router's response cache keeps LangChain4j's shapes. */
class CacheTest {
  private final Fleet fleet = new Fleet();
  private final ChatRequest ask = ChatRequest.builder().messages(UserMessage.from("Why is the sky blue?"))
      .temperature(0.0).build();

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void aCachedAnswerSaysSoAndClaimsNoTokensOrFinishReason() throws Exception {
    ChatResponse first = fleet.chatModel().chat(ask);
    ChatResponse cached = fleet.chatModel().chat(ask);

    assertThat(cached.aiMessage().text()).isEqualTo(first.aiMessage().text());
    assertThat(((HeadroomChatResponseMetadata) first.metadata()).tier()).isEqualTo("local");
    assertThat(((HeadroomChatResponseMetadata) cached.metadata()).tier()).isEqualTo("cache");
    assertThat(cached.tokenUsage()).isNull();
    assertThat(cached.finishReason()).isNull();
    assertThat(fleet.gpu.bodies()).hasSize(1);

    StreamingTest.Recorder recorder = new StreamingTest.Recorder();
    fleet.streamingModel().chat(ask, recorder);
    ChatResponse streamed = recorder.done.get(30, TimeUnit.SECONDS);
    assertThat(recorder.partials).containsExactly(first.aiMessage().text());
    assertThat(((HeadroomChatResponseMetadata) streamed.metadata()).tier()).isEqualTo("cache");
  }
}
