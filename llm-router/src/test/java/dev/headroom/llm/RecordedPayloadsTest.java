package dev.headroom.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.headroom.core.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wire fidelity against recorded real payloads of both APIs (src/test/resources/recorded, SOURCES.md says where
 * each comes from): the router builds exactly the documented request bodies for tools, tool results, JSON schemas,
 * images, options and think, and reads the documented and recorded replies: tool calls whole and streamed (the
 * OpenAI API's arguments arriving in pieces, two calls in parallel), structured output.
 */
class RecordedPayloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final WireMockServer server = new WireMockServer(options().dynamicPort());
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Endpoint endpoint;
  private WireOllama ollama;
  private WireOpenAi openAi;

  @BeforeEach
  void start() {
    server.start();
    endpoint = Endpoint.builder("wm").uri(server.baseUrl()).maxConcurrency(4).build();
    ollama = new WireOllama(new WireExchange(http, 1 << 20, 1 << 16, t -> t),
        dev.headroom.core.time.Scheduler.system());
    openAi = new WireOpenAi(new WireExchange(http, 1 << 20, 1 << 16, t -> t), Optional.empty());
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private static String text(String name) throws IOException {
    try (InputStream in = RecordedPayloadsTest.class.getResourceAsStream("/recorded/" + name)) {
      assertThat(in).as("recorded/" + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode json(String name) throws IOException {
    return JSON.readTree(text(name));
  }

  /** JSON equality where numbers compare by value: {@code 0} and {@code 0.0} are the same number on the wire. */
  private static void assertSameJson(JsonNode actual, JsonNode expected) {
    java.util.Comparator<JsonNode> numbers = (a, b) -> a.isNumber() && b.isNumber()
        ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;
    assertThat(actual.equals(numbers, expected)).as("%s%nis the same JSON as%n%s", actual, expected).isTrue();
  }

  /** The documented request's tool definition, as a {@link Tool}. */
  private static Tool tool(JsonNode request, int index) {
    JsonNode function = request.path("tools").get(index).path("function");
    return Tool.function(function.path("name").asText(), function.path("description").asText(),
        function.path("parameters").toString());
  }

  @Test
  void ollamaToolsRequestIsTheDocumentedBodyAndTheDocumentedToolCallIsRead() throws Exception {
    JsonNode documented = json("ollama-chat-tools-request.json");
    ChatRequest request = ChatRequest.chat("llama3.2").user("What is the weather today in Paris?")
        .tool(tool(documented, 0)).build();
    assertThat(WireOllama.body(request, "llama3.2", false)).isEqualTo(documented);

    server.stubFor(post(urlEqualTo("/api/chat")).willReturn(aResponse().withStatus(200)
        .withBody(text("ollama-chat-tools-response.json"))));
    Reply reply = ollama.generate(endpoint, request, "llama3.2", TIMEOUT, new Abort());
    assertThat(reply.text()).isEmpty();
    assertThat(reply.doneReason()).isEqualTo("stop");
    assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.name()).isEqualTo("get_current_weather");
      assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree(
          "{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
      assertThat(call.id()).startsWith("call_");
    });
  }

  @Test
  void ollamaToolHistoryIsTheDocumentedBody() throws Exception {
    JsonNode documented = json("ollama-chat-tools-history-request.json");
    ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\":\"Toronto\"}");
    ChatRequest request = ChatRequest.chat("llama3.2").user("what is the weather in Toronto?")
        .message(Message.assistant("", List.of(call)))
        .message(Message.tool(call, "11 degrees celsius"))
        .tool(tool(documented, 0)).build();
    assertThat(WireOllama.body(request, "llama3.2", false)).isEqualTo(documented);
  }

  @Test
  void ollamaStreamedToolCallsAreReadFromTheDocumentedChunks() throws Exception {
    List<Delta> deltas = new ArrayList<>();
    for (String line : text("ollama-chat-tools-stream-response.ndjson").split("\n")) {
      Delta d = WireOllama.parseLine(line, true, "wm");
      if (d != null) {
        deltas.add(d);
      }
    }
    assertThat(deltas).hasSize(2);
    assertThat(deltas.get(0).hasContent()).as("a tool call counts as the first token").isTrue();
    assertThat(deltas.get(0).toolCalls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("get_weather");
      assertThat(JSON.readTree(c.arguments())).isEqualTo(JSON.readTree("{\"city\":\"Tokyo\"}"));
    });
    assertThat(deltas.get(1).done()).isTrue();
  }

  @Test
  void ollamaStructuredOutputIsTheDocumentedBodyAndReply() throws Exception {
    JsonNode documented = json("ollama-chat-structured-request.json");
    ChatRequest request = ChatRequest.chat("llama3.1").user(documented.path("messages").get(0).path("content")
        .asText()).format(ResponseFormat.schema(documented.path("format").toString())).temperature(0).build();
    assertSameJson(WireOllama.body(request, "llama3.1", false), documented);

    server.stubFor(post(urlEqualTo("/api/chat")).willReturn(aResponse().withStatus(200)
        .withBody(text("ollama-chat-structured-response.json"))));
    Reply reply = ollama.generate(endpoint, request, "llama3.1", TIMEOUT, new Abort());
    assertThat(JSON.readTree(reply.text())).isEqualTo(JSON.readTree("{\"age\": 22, \"available\": false}"));
  }

  @Test
  void ollamaImagesOptionsAndThinkAreTheDocumentedBodies() throws Exception {
    JsonNode images = json("ollama-chat-images-request.json");
    JsonNode message = images.path("messages").get(0);
    ChatRequest withImage = ChatRequest.chat("llava").message(Message.user(message.path("content").asText(),
        List.of(message.path("images").get(0).asText()))).build();
    ObjectNode sent = WireOllama.body(withImage, "llava", false);
    sent.remove("stream"); // the documented request leaves streaming on by default
    assertThat(sent).isEqualTo(images);

    JsonNode options = json("ollama-generate-options-request.json");
    ChatRequest.Builder generate = ChatRequest.generate("llama3.2", "Why is the sky blue?");
    options.path("options").fields().forEachRemaining(e -> {
      switch (e.getKey()) {
        case "seed" -> generate.seed(e.getValue().asLong());
        case "temperature" -> generate.temperature(e.getValue().asDouble());
        case "num_predict" -> generate.maxTokens(e.getValue().asInt());
        default -> generate.option(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
      }
    });
    JsonNode built = WireOllama.body(generate.build(), "llama3.2", false);
    assertSameJson(built.path("options"), options.path("options")); // every documented option passes through
    JsonNode rest = ((ObjectNode) built.deepCopy()).without("options");
    assertThat(rest).isEqualTo(((ObjectNode) options.deepCopy()).without("options"));

    JsonNode think = json("ollama-chat-think-request.json");
    ChatRequest thinking = ChatRequest.chat("qwen3").user("How many letter r are in strawberry?").think(true).build();
    assertThat(WireOllama.body(thinking, "qwen3", false)).isEqualTo(think);
  }

  @Test
  void openAiToolsAreTranslatedToTheDocumentedShapeAndTheDocumentedToolCallIsRead() throws Exception {
    JsonNode documented = json("openai-chat-tools-request.json");
    ChatRequest request = ChatRequest.chat("m").user("What is the weather like in Boston today?")
        .tool(tool(documented, 0)).build();
    ObjectNode sent = WireOpenAi.body(request, "gpt-5.4", false);
    assertThat(sent.path("messages")).isEqualTo(documented.path("messages"));
    assertThat(sent.path("tools")).isEqualTo(documented.path("tools"));

    server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
        .withBody(text("openai-chat-tools-response.json"))));
    Reply reply = openAi.chat(endpoint, request, "gpt-5.4", TIMEOUT, new Abort());
    assertThat(reply.text()).as("content null beside tool calls").isEmpty();
    assertThat(reply.doneReason()).isEqualTo("tool_calls");
    assertThat(reply.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.id()).isEqualTo("call_abc123");
      assertThat(call.name()).isEqualTo("get_current_weather");
      assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree("{\"location\": \"Boston, MA\"}"));
    });
  }

  private List<Delta> sse(String name) throws Exception {
    WireOpenAi.SseParser parser = openAi.new SseParser("wm");
    List<Delta> deltas = new ArrayList<>();
    for (String line : text(name).split("\n")) {
      Delta d = parser.parse(line);
      if (d != null) {
        deltas.add(d);
      }
    }
    return deltas;
  }

  @Test
  void openAiStreamedToolCallsArePutTogetherFromTheirRecordedPieces() throws Exception {
    List<Delta> one = sse("openai-stream-tool-calls.sse");
    Delta end = one.get(one.size() - 1);
    assertThat(end.done()).isTrue();
    assertThat(end.doneReason()).isEqualTo("tool_calls");
    assertThat(end.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.id()).isEqualTo("call_c91SqDXlYFuETYv8mUHzz6pp");
      assertThat(call.name()).isEqualTo("GetWeatherArgs");
      assertThat(JSON.readTree(call.arguments()))
          .isEqualTo(JSON.readTree("{\"city\":\"Edinburgh\",\"country\":\"UK\",\"units\":\"c\"}"));
    });

    List<Delta> two = sse("openai-stream-parallel-tool-calls.sse");
    List<ToolCall> calls = two.get(two.size() - 1).toolCalls();
    assertThat(calls).extracting(ToolCall::name).containsExactly("GetWeatherArgs", "get_stock_price");
    assertThat(calls).allSatisfy(c -> assertThat(JSON.readTree(c.arguments()).isObject()).isTrue());
    assertThat(calls.get(0).id()).isNotEqualTo(calls.get(1).id());
  }

  @Test
  void openAiJsonSchemaAndImageInputAreTheDocumentedShapes() throws Exception {
    JsonNode schemaRequest = json("openai-chat-json-schema-request.json");
    JsonNode jsonSchema = schemaRequest.path("response_format").path("json_schema");
    ChatRequest structured = ChatRequest.chat("m")
        .system(schemaRequest.path("messages").get(0).path("content").asText())
        .user(schemaRequest.path("messages").get(1).path("content").asText())
        .format(ResponseFormat.schema(jsonSchema.path("name").asText(), jsonSchema.path("schema").toString()))
        .build();
    ObjectNode sent = WireOpenAi.body(structured, "gpt-4o-2024-08-06", false);
    assertThat(sent.path("response_format")).isEqualTo(schemaRequest.path("response_format"));
    assertThat(sent.path("messages")).isEqualTo(schemaRequest.path("messages"));

    JsonNode imageRequest = json("openai-chat-image-request.json");
    ChatRequest withImage = ChatRequest.chat("m").message(Message.user("What is in this image?",
        List.of("/9j/4AAQSkZJRgABAQ=="))).maxTokens(300).build();
    JsonNode content = WireOpenAi.body(withImage, "gpt-5.4", false).path("messages").get(0).path("content");
    JsonNode documentedContent = imageRequest.path("messages").get(0).path("content");
    assertThat(content.get(0)).isEqualTo(documentedContent.get(0));
    assertThat(content.get(1).path("type")).isEqualTo(documentedContent.get(1).path("type"));
    assertThat(content.get(1).path("image_url").path("url").asText())
        .as("our base64 image as a data URL where the documented one is a link")
        .isEqualTo("data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==");
  }
}
