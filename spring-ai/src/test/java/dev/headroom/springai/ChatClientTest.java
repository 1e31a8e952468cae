package dev.headroom.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.AdvisorParams;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * Issue 15 item 1: Spring AI's own {@code ChatClient} on a {@link HeadroomChatModel} over a FakeOllama fleet with a
 * fake cloud for overflow: a prompt, a stream, a tool call that Spring AI runs, native structured output, options
 * reaching the node, the cloud tier, and embeddings.
 */
class ChatClientTest {
  private static final String MODEL = "llama3.2";
  private static final String CLOUD_ONLY = "big-model";
  private static FakeOllama gpu;
  private static FakeOpenAi cloud;
  private static LlmRouter router;
  private static ChatClient chat;

  @BeforeAll
  static void start() {
    gpu = FakeOllama.builder("gpu").loaded(MODEL, "all-minilm").parallel(4).start();
    cloud = FakeOpenAi.builder("cloud").start();
    router = LlmRouter.builder().node(OllamaNode.of("gpu", gpu.uri(), 4)).noHealthCheck()
        .requestTimeout(Duration.ofSeconds(30))
        .cloud(CloudConfig.builder(cloud.uri()).model(CLOUD_ONLY, "gpt-4o").build()).build();
    chat = ChatClient.create(HeadroomChatModel.builder(router).defaultModel(MODEL).build());
  }

  @AfterAll
  static void stop() {
    router.close();
    gpu.close();
    cloud.close();
  }

  private static JsonNode lastNodeBody() {
    List<JsonNode> bodies = gpu.bodies();
    return bodies.get(bodies.size() - 1);
  }

  @Test
  void aPromptIsAnsweredByANodeWithWhereItWasServedInTheMetadata() {
    ChatResponse response = chat.prompt().user("Why is the sky blue?").call().chatResponse();
    assertThat(response.getResult().getOutput().getText())
        .isEqualTo(gpu.answerFor(MODEL, "Why is the sky blue?", 0, Integer.MAX_VALUE));
    assertThat((String) response.getMetadata().get(ResponseMapping.TIER)).isEqualTo("local");
    assertThat((String) response.getMetadata().get(ResponseMapping.ENDPOINT)).isEqualTo("gpu");
    assertThat(response.getMetadata().getUsage().getCompletionTokens()).isPositive();
    assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("stop");
  }

  @Test
  void aStreamDeliversTheSameTextInPieces() {
    List<String> pieces = chat.prompt().user("Tell me a story").stream().content().collectList().block();
    assertThat(pieces).hasSizeGreaterThan(1);
    assertThat(String.join("", pieces)).isEqualTo(gpu.answerFor(MODEL, "Tell me a story", 0, Integer.MAX_VALUE));
  }

  /** The tool Spring AI runs when the model asks for it. */
  static final class WeatherTools {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Tool(description = "The current weather in a city")
    String currentWeather(@ToolParam(description = "the city") String city) {
      asked.add(city);
      return "18 degrees and sunny in " + city;
    }
  }

  @Test
  void aToolCallIsRunBySpringAiAndItsResultGoesBackToTheModel() {
    WeatherTools tools = new WeatherTools();
    String answer = chat.prompt().user("What is the weather in Paris").tools(tools).call().content();

    assertThat(tools.asked).containsExactly("Paris");
    assertThat(answer).isNotEmpty();
    JsonNode followUp = lastNodeBody().path("messages");
    assertThat(followUp.get(followUp.size() - 1).path("role").asText()).isEqualTo("tool");
    assertThat(followUp.get(followUp.size() - 1).path("content").asText()).contains("18 degrees and sunny in Paris");
    assertThat(lastNodeBody().path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("currentWeather");
  }

  /** A structured answer. */
  record City(String name, String country, int population) {}

  @Test
  void nativeStructuredOutputSendsTheSchemaAndTheAnswerBindsToTheRecord() {
    City city = chat.prompt().user("Name a city in Japan").advisors(AdvisorParams.ENABLE_NATIVE_STRUCTURED_OUTPUT)
        .call().entity(City.class);
    assertThat(city).isNotNull();
    assertThat(city.name()).isNotEmpty();
    assertThat(lastNodeBody().path("format").path("properties").has("population")).isTrue();
  }

  @Test
  void portableOptionsReachTheNode() {
    chat.prompt().user("hi").options(ChatOptions.builder().temperature(0.3).topP(0.8).topK(20).maxTokens(5)
        .stopSequences(List.of("###"))).call().content();
    JsonNode options = lastNodeBody().path("options");
    assertThat(options.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(options.path("top_p").asDouble()).isEqualTo(0.8);
    assertThat(options.path("top_k").asInt()).isEqualTo(20);
    assertThat(options.path("num_predict").asInt()).isEqualTo(5);
    assertThat(options.path("stop").get(0).asText()).isEqualTo("###");
  }

  @Test
  void aModelNoNodeHasOverflowsToTheCloudWithTheSameShapesAndTools() {
    WeatherTools tools = new WeatherTools();
    ChatResponse response = chat.prompt().user("What is the weather in Oslo")
        .options(ChatOptions.builder().model(CLOUD_ONLY)).tools(tools).call().chatResponse();
    assertThat((String) response.getMetadata().get(ResponseMapping.TIER)).isEqualTo("cloud");
    assertThat(tools.asked).containsExactly("Oslo");
    assertThat(response.getResult().getOutput().getText()).isNotEmpty();
  }

  @Test
  void embeddingsComeOneVectorPerText() {
    HeadroomEmbeddingModel embeddings = HeadroomEmbeddingModel.builder(router).model("all-minilm").build();
    List<float[]> vectors = embeddings.embed(List.of("first", "second"));
    assertThat(vectors).hasSize(2);
    assertThat(vectors.get(0)).isNotEqualTo(vectors.get(1));
  }
}
