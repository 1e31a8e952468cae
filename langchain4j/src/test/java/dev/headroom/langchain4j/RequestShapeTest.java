package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What reaches the node: structured output, sampling parameters and images. */
class RequestShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A 1x1 PNG. */
  private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9a"
      + "wAAAABJRU5ErkJggg==";

  private final Fleet fleet = new Fleet();

  record City(String name, int population) {}

  interface Geographer {
    City city(String question);
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void anAiServiceReturningARecordGetsItFromAJsonSchemaFormat() {
    Geographer geographer = AiServices.builder(Geographer.class).chatModel(fleet.chatModel()).build();

    City city = geographer.city("Name a big city in Japan");

    assertThat(city.name()).isNotBlank();
    assertThat(city.population()).as("FakeOllama answers 1 for an integer").isEqualTo(1);
    JsonNode format = fleet.lastNodeBody().path("format");
    assertThat(format.path("type").asText()).isEqualTo("object");
    assertThat(format.path("properties").path("name").path("type").asText()).isEqualTo("string");
    assertThat(format.path("properties").path("population").path("type").asText()).isEqualTo("integer");
  }

  @Test
  void aJsonSchemaResponseFormatIsSentAsTheSchemaAndTheAnswerParses() throws Exception {
    JsonObjectSchema schema = JsonObjectSchema.builder().addStringProperty("country")
        .addIntegerProperty("cities", "how many cities").required("country", "cities").build();
    ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
        .jsonSchema(JsonSchema.builder().name("country").rootElement(schema).build()).build();

    ChatResponse response = fleet.chatModel().chat(ChatRequest.builder()
        .messages(UserMessage.from("Name a country")).responseFormat(format).build());

    assertThat(fleet.lastNodeBody().path("format")).isEqualTo(JSON.readTree("{\"type\":\"object\",\"properties\":"
        + "{\"country\":{\"type\":\"string\"},\"cities\":{\"type\":\"integer\",\"description\":\"how many cities\"}},"
        + "\"required\":[\"country\",\"cities\"]}"));
    JsonNode answer = JSON.readTree(response.aiMessage().text());
    assertThat(answer.path("country").isTextual()).isTrue();
    assertThat(answer.path("cities").isInt()).isTrue();
  }

  @Test
  void aPlainJsonFormatIsSentAsJson() throws Exception {
    ChatResponse response = fleet.chatModel().chat(ChatRequest.builder()
        .messages(UserMessage.from("Answer in JSON")).responseFormat(ResponseFormat.JSON).build());

    assertThat(fleet.lastNodeBody().path("format").asText()).isEqualTo("json");
    assertThat(JSON.readTree(response.aiMessage().text()).isObject()).isTrue();
  }

  @Test
  void samplingParametersReachTheNodeAsOllamaOptions() {
    fleet.chatModel().chat(ChatRequest.builder()
        .messages(SystemMessage.from("Be brief."), UserMessage.from("Why is the sky blue?"))
        .temperature(0.3).topP(0.9).topK(40).maxOutputTokens(50).stopSequences(List.of("###", "END"))
        .frequencyPenalty(0.5).presencePenalty(0.25).build());

    JsonNode body = fleet.lastNodeBody();
    assertThat(body.path("model").asText()).isEqualTo(Fleet.MODEL);
    JsonNode options = body.path("options");
    assertThat(options.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(options.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(options.path("top_k").asInt()).isEqualTo(40);
    assertThat(options.path("num_predict").asInt()).isEqualTo(50);
    assertThat(options.path("stop").toString()).isEqualTo("[\"###\",\"END\"]");
    assertThat(options.path("frequency_penalty").asDouble()).isEqualTo(0.5);
    assertThat(options.path("presence_penalty").asDouble()).isEqualTo(0.25);
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("Be brief.");
  }

  @Test
  void aUserMessageWithABase64ImageReachesTheNodeAsImages() {
    ChatResponse response = fleet.chatModel().chat(UserMessage.from(TextContent.from("What is in this picture?"),
        ImageContent.from(PNG, "image/png")));

    JsonNode message = fleet.lastNodeBody().path("messages").get(0);
    assertThat(message.path("content").asText()).isEqualTo("What is in this picture?");
    assertThat(message.path("images").get(0).asText()).isEqualTo(PNG);
    assertThat(response.aiMessage().text()).isNotBlank();
  }

  @Test
  void anImageAsADataUrlIsSentAsItsBase64() {
    fleet.chatModel().chat(UserMessage.from(TextContent.from("And this one?"),
        ImageContent.from("data:image/png;base64," + PNG)));

    assertThat(fleet.lastNodeBody().path("messages").get(0).path("images").get(0).asText()).isEqualTo(PNG);
  }

  @Test
  void listenersHearTheRequestWithTheDefaultModelAndTheResponse() {
    List<ChatModelResponseContext> heard = new CopyOnWriteArrayList<>();
    ChatModelListener listener = new ChatModelListener() {
      @Override
      public void onResponse(ChatModelResponseContext context) {
        heard.add(context);
      }
    };
    HeadroomChatModel model = HeadroomChatModel.builder(fleet.router).defaultModel(Fleet.MODEL)
        .listeners(List.of(listener)).build();

    String answer = model.chat("Hello");

    assertThat(heard).singleElement().satisfies(context -> {
      assertThat(context.chatRequest().parameters().modelName()).isEqualTo(Fleet.MODEL);
      assertThat(context.chatResponse().aiMessage().text()).isEqualTo(answer);
    });
  }

  @Test
  void theRequestsModelNameWinsOverTheDefault() {
    fleet.gpu.pull("qwen3");
    fleet.router.refreshFleet(Duration.ofSeconds(5));
    ChatResponse response = fleet.chatModel().chat(ChatRequest.builder().modelName("qwen3")
        .messages(UserMessage.from("Hello")).build());

    assertThat(fleet.lastNodeBody().path("model").asText()).isEqualTo("qwen3");
    assertThat(response.modelName()).startsWith("qwen3");
  }
}
