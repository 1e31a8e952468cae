package dev.headroom.langchain4j;

import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Headroom {@link ChatResponse} into LangChain4j's: the message, the token counts, why it stopped, and where
 * it was answered ({@link HeadroomChatResponseMetadata}).
 */
final class ResponseMapper {
  private ResponseMapper() {}

  static dev.langchain4j.model.chat.response.ChatResponse map(ChatResponse response) {
    List<ToolExecutionRequest> requests = new ArrayList<>();
    for (ToolCall call : response.toolCalls()) {
      requests.add(ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments())
          .build());
    }
    AiMessage.Builder message = AiMessage.builder().toolExecutionRequests(requests);
    if (!response.text().isEmpty() || requests.isEmpty()) {
      message.text(response.text()); // a message of tool calls only has no text, as LangChain4j's providers do
    }
    if (!response.thinking().isEmpty()) {
      message.thinking(response.thinking());
    }
    return dev.langchain4j.model.chat.response.ChatResponse.builder()
        .aiMessage(message.build())
        .metadata(HeadroomChatResponseMetadata.builder()
            .modelName(response.model())
            .tokenUsage(tokenUsage(response))
            .finishReason(finishReason(response))
            .endpoint(response.endpoint())
            .tier(response.tier())
            .timeToFirstToken(response.timeToFirstToken())
            .build())
        .build();
  }

  /** The server's counts; none when it gave none (an answer from the cache). */
  static TokenUsage tokenUsage(ChatResponse response) {
    if (response.promptTokens() == 0 && response.completionTokens() == 0) {
      return null;
    }
    return new TokenUsage(response.promptTokens(), response.completionTokens());
  }

  /** Tool calls win; then the server's {@code done_reason} or {@code finish_reason}; none when it said nothing. */
  static FinishReason finishReason(ChatResponse response) {
    if (response.hasToolCalls()) {
      return FinishReason.TOOL_EXECUTION;
    }
    return switch (response.doneReason()) {
      case "" -> null;
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls" -> FinishReason.TOOL_EXECUTION;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }
}
