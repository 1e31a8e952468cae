package dev.headroom.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.Message;
import dev.headroom.llm.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping rules that need no server: finish reasons, schemas, ids, and what is refused. */
class MappingTest {
  private static final ToolSpecification WEATHER = ToolSpecification.builder().name("weather")
      .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();

  private static ChatResponse reply(String doneReason, List<ToolCall> calls) {
    return new ChatResponse("", "m", "e", "local", 1, 1, Duration.ZERO, Duration.ZERO, 0, doneReason, calls, "");
  }

  private static dev.headroom.llm.ChatRequest map(ChatRequest request) {
    return RequestMapper.map(request, "llama3.2");
  }

  @Test
  void finishReasonsFollowTheServersDoneReasonAndToolCallsWin() {
    assertThat(ResponseMapper.finishReason(reply("stop", List.of()))).isEqualTo(FinishReason.STOP);
    assertThat(ResponseMapper.finishReason(reply("length", List.of()))).isEqualTo(FinishReason.LENGTH);
    assertThat(ResponseMapper.finishReason(reply("tool_calls", List.of()))).isEqualTo(FinishReason.TOOL_EXECUTION);
    assertThat(ResponseMapper.finishReason(reply("content_filter", List.of())))
        .isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(ResponseMapper.finishReason(reply("unload", List.of()))).isEqualTo(FinishReason.OTHER);
    assertThat(ResponseMapper.finishReason(reply("", List.of()))).isNull();
    assertThat(ResponseMapper.finishReason(reply("stop", List.of(new ToolCall("c1", "weather", "{}")))))
        .isEqualTo(FinishReason.TOOL_EXECUTION);
  }

  @Test
  void aReplyOfToolCallsOnlyHasNoTextAndThinkingIsKept() {
    ChatResponse reply = new ChatResponse("", "m", "e", "local", 0, 0, Duration.ZERO, Duration.ZERO, 0, "stop",
        List.of(new ToolCall("c1", "weather", "{\"city\":\"Oslo\"}")), "hmm");
    AiMessage message = ResponseMapper.map(reply).aiMessage();
    assertThat(message.text()).isNull();
    assertThat(message.thinking()).isEqualTo("hmm");
    assertThat(message.toolExecutionRequests()).containsExactly(ToolExecutionRequest.builder().id("c1")
        .name("weather").arguments("{\"city\":\"Oslo\"}").build());
    assertThat(ResponseMapper.map(reply).tokenUsage()).as("the server counted nothing").isNull();
  }

  @Test
  void headroomsMetadataSurvivesToBuilderAndEquals() {
    HeadroomChatResponseMetadata metadata = HeadroomChatResponseMetadata.builder().modelName("m")
        .finishReason(FinishReason.STOP).endpoint("gpu-1").tier("local").timeToFirstToken(Duration.ofMillis(40))
        .build();
    assertThat(metadata.toBuilder().build()).isEqualTo(metadata).hasSameHashCodeAs(metadata);
    assertThat(metadata.toBuilder().tier("cloud").build()).isNotEqualTo(metadata);
    assertThat(metadata).hasToString("HeadroomChatResponseMetadata{modelName='m', tokenUsage=null, "
        + "finishReason=STOP, endpoint='gpu-1', tier='local', timeToFirstToken=PT0.04S}");
  }

  @Test
  void schemasWithReferencesArraysAndEnumsAreWrittenAsJsonSchema() {
    JsonObjectSchema schema = JsonObjectSchema.builder()
        .addProperty("tags", JsonArraySchema.builder().items(JsonEnumSchema.builder().enumValues("a", "b").build())
            .build())
        .addProperty("next", JsonReferenceSchema.builder().reference("node").build())
        .definitions(Map.of("node", JsonObjectSchema.builder().addBooleanProperty("leaf").build()))
        .additionalProperties(false).build();

    assertThat(SchemaJson.text(schema)).isEqualTo("{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\","
        + "\"items\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}},\"next\":{\"$ref\":\"#/$defs/node\"}},"
        + "\"additionalProperties\":false,\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"leaf\":"
        + "{\"type\":\"boolean\"}}}}}");
  }

  @Test
  void toolCallsWithoutIdsGetIdsThatTheirResultsTake() {
    dev.headroom.llm.ChatRequest request = map(ChatRequest.builder().messages(UserMessage.from("Weather?"),
        AiMessage.from(ToolExecutionRequest.builder().name("weather").arguments("").build()),
        ToolExecutionResultMessage.from(null, "weather", "18")).build());

    Message call = request.messages().get(1);
    Message result = request.messages().get(2);
    assertThat(call.toolCalls()).singleElement().satisfies(c -> assertThat(c.arguments()).isEqualTo("{}"));
    assertThat(result.toolCallId()).isEqualTo(call.toolCalls().get(0).id()).isNotBlank();
    assertThat(result.toolName()).isEqualTo("weather");
  }

  @Test
  void toolChoiceNoneOffersNoToolAndRequiredIsRefused() {
    ChatRequest.Builder ask = ChatRequest.builder().messages(UserMessage.from("Weather?")).toolSpecifications(WEATHER);
    assertThat(map(ask.toolChoice(ToolChoice.NONE).build()).tools()).isEmpty();
    assertThat(map(ask.toolChoice(ToolChoice.AUTO).build()).tools()).singleElement()
        .satisfies(t -> assertThat(t.parameters()).contains("\"required\":[\"city\"]"));
    assertThatThrownBy(() -> map(ask.toolChoice(ToolChoice.REQUIRED).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("REQUIRED");
  }

  @Test
  void whatHasNoCounterpartIsRefusedNotDropped() {
    assertThatThrownBy(() -> map(ChatRequest.builder().messages(UserMessage.from(
        ImageContent.from("https://example.invalid/cat.png"))).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("base64");
    assertThatThrownBy(() -> map(ChatRequest.builder().messages(UserMessage.from(
        AudioContent.from("AAAA", "audio/wav"))).build()))
        .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("AUDIO");
  }

  @Test
  void aModelNeedsADefaultModel() {
    LlmRouter router = LlmRouter.builder().startEmpty().build();
    try {
      assertThatThrownBy(() -> HeadroomChatModel.builder(router).build()).isInstanceOf(ConfigException.class)
          .hasMessageContaining("defaultModel");
      assertThatThrownBy(() -> HeadroomStreamingChatModel.builder(router).defaultModel(" ").build())
          .isInstanceOf(ConfigException.class);
      assertThatThrownBy(() -> HeadroomEmbeddingModel.builder(router).build()).isInstanceOf(ConfigException.class);
      assertThat(HeadroomChatModel.builder(router).defaultModel("llama3.2").build().defaultRequestParameters()
          .modelName()).isEqualTo("llama3.2");
    } finally {
      router.close();
    }
  }
}
