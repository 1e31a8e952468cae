package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.testkit.llm.LlmFault;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node answers 503 "server busy" to everything: the router overflows to the cloud, and the shapes stay. */
class CloudOverflowTest {
  private final Fleet fleet = new Fleet();

  interface Assistant {
    String chat(String message);
  }

  interface Streamer {
    TokenStream chat(String message);
  }

  record City(String name, int population) {}

  interface Geographer {
    City city(String question);
  }

  static final class WeatherTools {
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool("The current weather in a city")
    String weather(@P("the city") String city) {
      cities.add(city);
      return "4 degrees";
    }
  }

  @BeforeEach
  void busyNode() {
    fleet.gpu.inject(LlmFault.busy());
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void aToolRoundTripOverflowsToTheCloudWithTheSameShapes() {
    WeatherTools tools = new WeatherTools();
    Assistant assistant = AiServices.builder(Assistant.class).chatModel(fleet.chatModel()).tools(tools).build();

    String answer = assistant.chat("What is the weather in Oslo");

    assertThat(tools.cities).containsExactly("Oslo");
    assertThat(answer).isNotBlank();
    assertThat(fleet.cloud.requests()).isEqualTo(2);
    JsonNode messages = fleet.lastCloudBody().path("messages");
    String callId = messages.get(1).path("tool_calls").get(0).path("id").asText();
    assertThat(callId).as("the cloud's own id, kept through LangChain4j").startsWith("call_fake");
    assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo(callId);
    assertThat(messages.get(2).path("content").asText()).isEqualTo("4 degrees");
  }

  @Test
  void aStructuredAnswerAndAStreamComeFromTheCloud() throws Exception {
    City city = AiServices.builder(Geographer.class).chatModel(fleet.chatModel()).build().city("A city in Chile");
    assertThat(city.population()).isEqualTo(1);
    assertThat(fleet.lastCloudBody().path("response_format").path("type").asText()).isEqualTo("json_schema");

    List<String> partials = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    AiServices.builder(Streamer.class).streamingChatModel(fleet.streamingModel()).build().chat("Tell me a story")
        .onPartialResponse(partials::add).onCompleteResponse(done::complete).onError(done::completeExceptionally)
        .start();
    ChatResponse response = done.get(30, TimeUnit.SECONDS);
    assertThat(String.join("", partials)).isEqualTo(response.aiMessage().text()).isNotBlank();
    assertThat(response.modelName()).startsWith(Fleet.CLOUD_MODEL);
    assertThat(((HeadroomChatResponseMetadata) response.metadata()).tier()).isEqualTo("cloud");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(fleet.lastCloudBody().path("stream").asBoolean()).isTrue();
  }
}
