package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An AI service with a {@code @Tool} through the router: the tool is called, and its result goes back. */
class AiServicesToolsTest {
  private final Fleet fleet = new Fleet();

  interface Assistant {
    String chat(String message);
  }

  static final class WeatherTools {
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool("The current weather in a city")
    String weather(@P("the city") String city) {
      cities.add(city);
      return "18 degrees and sunny";
    }
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void theToolIsCalledWithTheModelsArgumentsAndTheAnswerComesBack() {
    WeatherTools tools = new WeatherTools();
    Assistant assistant = AiServices.builder(Assistant.class).chatModel(fleet.chatModel()).tools(tools).build();

    String answer = assistant.chat("What is the weather in Paris");

    assertThat(tools.cities).as("FakeOllama calls the first tool with the last word").containsExactly("Paris");
    assertThat(answer).isNotBlank();
    assertThat(fleet.gpu.bodies()).hasSize(2);
    JsonNode first = fleet.gpu.bodies().get(0);
    JsonNode tool = first.path("tools").get(0).path("function");
    assertThat(tool.path("name").asText()).isEqualTo("weather");
    assertThat(tool.path("description").asText()).isEqualTo("The current weather in a city");
    assertThat(tool.path("parameters").path("type").asText()).isEqualTo("object");
    JsonNode messages = fleet.lastNodeBody().path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("weather");
    assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
    assertThat(messages.get(2).path("tool_name").asText()).isEqualTo("weather");
    assertThat(messages.get(2).path("content").asText()).isEqualTo("18 degrees and sunny");
  }

  @Test
  void aToolCallComesBackWithItsIdNameArgumentsAndFinishReason() {
    WeatherTools tools = new WeatherTools();
    ChatResponse response = fleet.chatModel().chat(ChatRequest.builder()
        .messages(UserMessage.from("Weather in Rome"))
        .toolSpecifications(ToolSpecifications.toolSpecificationsFrom(tools))
        .build());

    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    assertThat(response.aiMessage().toolExecutionRequests()).singleElement().satisfies(call -> {
      assertThat(call.id()).as("made up by the router: Ollama gives none").startsWith("call_");
      assertThat(call.name()).isEqualTo("weather");
      assertThat(call.arguments()).contains("\"Rome\"");
    });
    assertThat(response.tokenUsage().inputTokenCount()).isPositive();
    assertThat(response.modelName()).isEqualTo(Fleet.MODEL);
    assertThat(response.metadata()).isInstanceOfSatisfying(HeadroomChatResponseMetadata.class, where -> {
      assertThat(where.tier()).isEqualTo("local");
      assertThat(where.endpoint()).isEqualTo("gpu");
      assertThat(where.timeToFirstToken()).isPositive();
    });
  }
}
