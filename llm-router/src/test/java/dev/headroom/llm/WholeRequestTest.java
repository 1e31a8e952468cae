package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.ConfigException;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 item 1: the whole request and reply through the router: tools and tool calls (streamed too), JSON and
 * JSON-schema formats, images, options passed through, keep_alive and think; to an Ollama node as they are, and to
 * an OpenAI-compatible cloud translated, with the reply translated back into one shape.
 */
class WholeRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
      + "\"description\":\"The city\"}},\"required\":[\"city\"]}";
  private static final Tool WEATHER = Tool.function("get_weather", "The current weather in a city", WEATHER_SCHEMA);
  private static final String CITY_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
      + "\"population\":{\"type\":\"integer\"}},\"required\":[\"city\",\"population\"]}";
  /** A 1x1 PNG. */
  private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5"
      + "ErkJggg==";
  private static final String CLOUD_ONLY = "big-model"; // no node has it: it goes to the cloud

  private final Fleet fleet = new Fleet();
  private FakeOllama gpu;
  private FakeOpenAi cloud;
  private LlmRouter llm;

  @BeforeEach
  void start() {
    gpu = fleet.node(FakeOllama.builder("gpu").loaded(Fleet.MODEL));
    cloud = fleet.cloud(FakeOpenAi.builder("cloud"));
    llm = fleet.start(fleet.routerBuilder(2).cloud(Fleet.cloudConfig(cloud).model(CLOUD_ONLY, "gpt-4o").build()));
  }

  @AfterEach
  void close() {
    fleet.close();
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private JsonNode lastNodeBody() {
    List<JsonNode> bodies = gpu.bodies();
    return bodies.get(bodies.size() - 1);
  }

  private JsonNode lastCloudBody() {
    List<JsonNode> bodies = cloud.bodies();
    return bodies.get(bodies.size() - 1);
  }

  @Test
  void aToolCallRoundTripOnAnOllamaNode() throws Exception {
    ChatRequest ask = ChatRequest.chat(Fleet.MODEL).user("What is the weather in Paris?").tool(WEATHER).build();
    ChatResponse answer = llm.chat(ask);

    assertThat(answer.tier()).isEqualTo(LlmRouter.LOCAL);
    assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.name()).isEqualTo("get_weather");
      assertThat(json(call.arguments())).isEqualTo(json("{\"city\":\"Paris\"}"));
      assertThat(call.id()).as("made up: Ollama gives none").startsWith("call_");
    });
    JsonNode sent = lastNodeBody();
    assertThat(sent.path("tools").get(0).path("type").asText()).isEqualTo("function");
    assertThat(sent.path("tools").get(0).path("function").path("parameters")).isEqualTo(json(WEATHER_SCHEMA));

    ToolCall call = answer.toolCalls().get(0);
    ChatResponse done = llm.chat(ask.toBuilder().message(Message.assistant(answer.text(), answer.toolCalls()))
        .message(Message.tool(call, "{\"celsius\":18}")).build());
    assertThat(done.toolCalls()).isEmpty();
    assertThat(done.text()).isNotEmpty();
    JsonNode followUp = lastNodeBody().path("messages");
    assertThat(followUp.get(1).path("tool_calls").get(0).path("function").path("arguments"))
        .as("Ollama takes arguments as an object").isEqualTo(json("{\"city\":\"Paris\"}"));
    assertThat(followUp.get(2).path("role").asText()).isEqualTo("tool");
    assertThat(followUp.get(2).path("tool_name").asText()).isEqualTo("get_weather");
    assertThat(followUp.get(2).path("content").asText()).isEqualTo("{\"celsius\":18}");
  }

  @Test
  void aToolCallRoundTripOnTheCloudIsTranslatedBothWays() throws Exception {
    ChatRequest ask = ChatRequest.chat(CLOUD_ONLY).user("What is the weather in Oslo?").tool(WEATHER).build();
    ChatResponse answer = llm.chat(ask);

    assertThat(answer.tier()).isEqualTo(LlmRouter.CLOUD);
    assertThat(answer.doneReason()).isEqualTo("tool_calls");
    ToolCall call = answer.toolCalls().get(0);
    assertThat(call.id()).as("the cloud's own id").startsWith("call_fake");
    assertThat(json(call.arguments())).isEqualTo(json("{\"city\":\"Oslo\"}"));
    JsonNode sent = lastCloudBody();
    assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(sent.path("tools").get(0).path("function").path("parameters")).isEqualTo(json(WEATHER_SCHEMA));

    llm.chat(ask.toBuilder().message(Message.assistant("", answer.toolCalls()))
        .message(Message.tool(call, "{\"celsius\":4}")).build());
    JsonNode messages = lastCloudBody().path("messages");
    JsonNode assistantCall = messages.get(1).path("tool_calls").get(0);
    assertThat(assistantCall.path("id").asText()).isEqualTo(call.id());
    assertThat(assistantCall.path("function").path("arguments").isTextual())
        .as("the OpenAI API takes arguments as a JSON string").isTrue();
    assertThat(json(assistantCall.path("function").path("arguments").asText())).isEqualTo(json("{\"city\":\"Oslo\"}"));
    assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo(call.id());
  }

  @Test
  void streamedToolCallsArriveWholeInTheResultFromBothKindsOfServer() throws Exception {
    ChatStream local = llm.stream(ChatRequest.chat(Fleet.MODEL).user("Weather in Rome?").tool(WEATHER).build());
    ChatResponse fromNode = local.forEach(chunk -> { }).get();
    assertThat(fromNode.toolCalls()).singleElement()
        .satisfies(c -> assertThat(json(c.arguments())).isEqualTo(json("{\"city\":\"Rome\"}")));

    ChatStream remote = llm.stream(ChatRequest.chat(CLOUD_ONLY).user("Weather in Lisbon?").tool(WEATHER).build());
    ChatResponse fromCloud = remote.forEach(chunk -> { }).get();
    assertThat(fromCloud.tier()).isEqualTo(LlmRouter.CLOUD);
    assertThat(fromCloud.toolCalls()).as("assembled from the argument pieces of several chunks").singleElement()
        .satisfies(c -> {
          assertThat(c.name()).isEqualTo("get_weather");
          assertThat(json(c.arguments())).isEqualTo(json("{\"city\":\"Lisbon\"}"));
        });
  }

  @Test
  void aJsonSchemaFormatIsFollowedOnANodeAndOnTheCloud() throws Exception {
    ResponseFormat format = ResponseFormat.schema("city", CITY_SCHEMA);
    ChatResponse local = llm.chat(ChatRequest.chat(Fleet.MODEL).user("Name a city in Japan").format(format).build());
    assertThat(lastNodeBody().path("format")).isEqualTo(json(CITY_SCHEMA));
    JsonNode fromNode = json(local.text());
    assertThat(fromNode.path("city").isTextual()).isTrue();
    assertThat(fromNode.path("population").isInt()).isTrue();

    ChatResponse remote = llm.chat(ChatRequest.chat(CLOUD_ONLY).user("Name a city in Chile").format(format).build());
    JsonNode responseFormat = lastCloudBody().path("response_format");
    assertThat(responseFormat.path("type").asText()).isEqualTo("json_schema");
    assertThat(responseFormat.path("json_schema").path("name").asText()).isEqualTo("city");
    assertThat(responseFormat.path("json_schema").path("strict").asBoolean()).isTrue();
    assertThat(responseFormat.path("json_schema").path("schema")).isEqualTo(json(CITY_SCHEMA));
    assertThat(json(remote.text()).path("population").isInt()).isTrue();

    llm.chat(ChatRequest.chat(Fleet.MODEL).user("any JSON").format(ResponseFormat.json()).build());
    assertThat(lastNodeBody().path("format").asText()).isEqualTo("json");
  }

  @Test
  void imagesGoAsOllamaImagesAndAsCloudImageParts() {
    llm.chat(ChatRequest.chat(Fleet.MODEL).message(Message.user("What is this?", List.of(PNG))).build());
    assertThat(lastNodeBody().path("messages").get(0).path("images").get(0).asText()).isEqualTo(PNG);

    llm.chat(ChatRequest.chat(CLOUD_ONLY).message(Message.user("What is this?", List.of(PNG))).build());
    JsonNode content = lastCloudBody().path("messages").get(0).path("content");
    assertThat(content.get(0).path("type").asText()).isEqualTo("text");
    assertThat(content.get(0).path("text").asText()).isEqualTo("What is this?");
    assertThat(content.get(1).path("type").asText()).isEqualTo("image_url");
    assertThat(content.get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64," + PNG);

    llm.chat(ChatRequest.generate(Fleet.MODEL, "Describe it").image(PNG).build());
    assertThat(lastNodeBody().path("images").get(0).asText()).isEqualTo(PNG);

    assertThatThrownBy(() -> Message.user("bad", List.of("not base64!")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("images[0]");
  }

  @Test
  void optionsPassThroughToOllamaAndTheOnesTheCloudKnowsAreTranslated() {
    ChatRequest.Builder request = ChatRequest.chat(Fleet.MODEL).user("hi").numCtx(8192).topP(0.9).topK(40)
        .stop("###", "END").option("repeat_penalty", 1.1).option("mirostat", 2).temperature(0.2).maxTokens(50)
        .keepAlive(Duration.ofMinutes(30)).think(true);
    ChatResponse answer = llm.chat(request.build());
    JsonNode sent = lastNodeBody();
    JsonNode options = sent.path("options");
    assertThat(options.path("num_ctx").asInt()).isEqualTo(8192);
    assertThat(options.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(options.path("top_k").asInt()).isEqualTo(40);
    assertThat(options.path("stop").get(1).asText()).isEqualTo("END");
    assertThat(options.path("repeat_penalty").asDouble()).isEqualTo(1.1);
    assertThat(options.path("mirostat").asInt()).isEqualTo(2);
    assertThat(options.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(options.path("num_predict").asInt()).isEqualTo(50);
    assertThat(sent.path("keep_alive").asText()).isEqualTo("1800000ms");
    assertThat(sent.path("think").asBoolean()).isTrue();
    assertThat(answer.thinking()).as("a thinking model's thoughts").isNotEmpty();

    ChatRequest toCloud = ChatRequest.chat(CLOUD_ONLY).user("hi").numCtx(8192).topP(0.9).topK(40).stop("###")
        .option("frequency_penalty", 0.5).keepAlive(Duration.ofMinutes(1)).think(true).build();
    llm.chat(toCloud);
    JsonNode cloudBody = lastCloudBody();
    assertThat(cloudBody.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(cloudBody.path("stop").get(0).asText()).isEqualTo("###");
    assertThat(cloudBody.path("frequency_penalty").asDouble()).isEqualTo(0.5);
    assertThat(cloudBody.has("num_ctx") || cloudBody.has("top_k") || cloudBody.has("options")
        || cloudBody.has("keep_alive") || cloudBody.has("think")).as("what the OpenAI API does not know").isFalse();
  }

  @Test
  void badPartsOfARequestAreTypedErrorsNamingThem() {
    assertThatThrownBy(() -> Tool.function("f", "d", "{not json")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("parameters");
    assertThatThrownBy(() -> Tool.function("f", "d", "[1]")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("JSON Schema object");
    assertThatThrownBy(() -> ResponseFormat.schema("{} trailing")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema");
    assertThatThrownBy(() -> ChatRequest.chat("m").user("x").option("k", new Object())).isInstanceOf(
        ConfigException.class).hasMessageContaining("option k");
    assertThatThrownBy(() -> ChatRequest.chat("m").user("x").topP(1.5)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("topP");
    assertThatThrownBy(() -> new ToolCall("id", "f", "\"a string\"")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("arguments");
  }

  @Test
  void theCacheKeyCoversEverythingANodeIsSentAndToolRequestsAreNeverCached() {
    ChatRequest plain = ChatRequest.chat(Fleet.MODEL).user("hi").temperature(0).build();
    String key = CacheKeys.key(plain, "llama3.2:latest");
    assertThat(CacheKeys.key(plain.toBuilder().format(ResponseFormat.json()).build(), "llama3.2:latest"))
        .isNotEqualTo(key);
    assertThat(CacheKeys.key(plain.toBuilder().numCtx(4096).build(), "llama3.2:latest")).isNotEqualTo(key);
    assertThat(CacheKeys.key(plain.toBuilder().keepAlive(Duration.ofHours(1)).build(), "llama3.2:latest"))
        .as("how long the model stays loaded does not change the answer").isEqualTo(key);

    InMemoryResponseCache cache = InMemoryResponseCache.create(100);
    fleet.router.close();
    LlmRouter cached = fleet.start(fleet.routerBuilder(2).responseCache(cache));
    ChatRequest withTool = ChatRequest.chat(Fleet.MODEL).user("Weather in Bern?").tool(WEATHER).temperature(0)
        .build();
    cached.chat(withTool);
    assertThat(cached.chat(withTool).fromCache()).isFalse();
    cached.chat(plain);
    assertThat(cached.chat(plain).fromCache()).isTrue();
  }
}
