package dev.headroom.springai;

import dev.headroom.llm.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * Headroom's {@link dev.headroom.llm.ChatResponse} as Spring AI's {@link ChatResponse}: the text and tool calls in
 * one assistant message, the finish reason as the server said it ({@code stop}, {@code length}, {@code tool_calls}),
 * usage, the server's model name, and where it was served ({@code headroom.endpoint}, {@code headroom.tier}) in the
 * metadata.
 */
final class ResponseMapping {
  /** Metadata key: the endpoint that served the answer. */
  static final String ENDPOINT = "headroom.endpoint";
  /** Metadata key: the tier that served it (local, remote, cloud, cache). */
  static final String TIER = "headroom.tier";

  private ResponseMapping() {}

  static ChatResponse response(dev.headroom.llm.ChatResponse r) {
    return new ChatResponse(List.of(generation(r.text(), r.toolCalls(), finishReason(r))), metadata(r));
  }

  /** One streamed piece of text, with no metadata yet. */
  static ChatResponse chunk(String text) {
    return new ChatResponse(List.of(new Generation(AssistantMessage.builder().content(text).build())));
  }

  /** The end of a stream: no new text, the tool calls, the finish reason and the statistics. */
  static ChatResponse end(dev.headroom.llm.ChatResponse r) {
    return new ChatResponse(List.of(generation("", r.toolCalls(), finishReason(r))), metadata(r));
  }

  private static Generation generation(String text, List<ToolCall> calls, String finishReason) {
    List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
    for (ToolCall call : calls) {
      toolCalls.add(new AssistantMessage.ToolCall(call.id(), "function", call.name(), call.arguments()));
    }
    return new Generation(AssistantMessage.builder().content(text).toolCalls(toolCalls).build(),
        ChatGenerationMetadata.builder().finishReason(finishReason).build());
  }

  private static String finishReason(dev.headroom.llm.ChatResponse r) {
    if (r.hasToolCalls() && r.doneReason().isEmpty()) {
      return "tool_calls";
    }
    return r.doneReason();
  }

  private static ChatResponseMetadata metadata(dev.headroom.llm.ChatResponse r) {
    return ChatResponseMetadata.builder()
        .model(r.model())
        .usage(new DefaultUsage(r.promptTokens(), r.completionTokens()))
        .keyValue(ENDPOINT, r.endpoint())
        .keyValue(TIER, r.tier())
        .build();
  }
}
