package dev.headroom.springai;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.Message;
import dev.headroom.llm.ResponseFormat;
import dev.headroom.llm.Tool;
import dev.headroom.llm.ToolCall;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * A Spring AI {@link Prompt} as Headroom's {@link ChatRequest}: the prompt's options over the model's defaults, its
 * messages (system, user with images, assistant with tool calls, tool responses), tools from the options' tool
 * callbacks (only their definitions: Spring AI's {@code ToolCallingAdvisor} runs them), and an output schema as a
 * JSON-schema format.
 */
final class PromptMapping {
  private PromptMapping() {}

  static ChatRequest request(Prompt prompt, HeadroomChatOptions defaults) {
    HeadroomChatOptions options = defaults.mutate().combineWith(prompt.getOptions()).build();
    String model = options.getModel();
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("no model: set one in the prompt's options or the HeadroomChatModel's "
          + "defaultModel");
    }
    ChatRequest.Builder b = ChatRequest.chat(model);
    for (org.springframework.ai.chat.messages.Message m : prompt.getInstructions()) {
      message(b, m);
    }
    if (options.getTemperature() != null) {
      b.temperature(options.getTemperature());
    }
    if (options.getTopP() != null) {
      b.topP(options.getTopP());
    }
    if (options.getTopK() != null) {
      b.topK(options.getTopK());
    }
    if (options.getMaxTokens() != null) {
      b.maxTokens(options.getMaxTokens());
    }
    if (options.getStopSequences() != null && !options.getStopSequences().isEmpty()) {
      b.stop(options.getStopSequences().toArray(String[]::new));
    }
    if (options.getFrequencyPenalty() != null) {
      b.option("frequency_penalty", options.getFrequencyPenalty());
    }
    if (options.getPresencePenalty() != null) {
      b.option("presence_penalty", options.getPresencePenalty());
    }
    for (ToolCallback callback : options.getToolCallbacks()) {
      ToolDefinition definition = callback.getToolDefinition();
      b.tool(Tool.function(definition.name(), definition.description(), definition.inputSchema()));
    }
    if (options.getOutputSchema() != null && !options.getOutputSchema().isBlank()) {
      b.format(ResponseFormat.schema(options.getOutputSchema()));
    }
    return b.build();
  }

  private static void message(ChatRequest.Builder b, org.springframework.ai.chat.messages.Message m) {
    String text = m.getText() == null ? "" : m.getText();
    if (m instanceof SystemMessage) {
      b.system(text);
    } else if (m instanceof UserMessage user) {
      List<String> images = new ArrayList<>();
      for (Media media : user.getMedia()) {
        images.add(base64(media));
      }
      b.message(Message.user(text, images));
    } else if (m instanceof AssistantMessage assistant) {
      List<ToolCall> calls = new ArrayList<>();
      for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
        calls.add(new ToolCall(call.id(), call.name(), call.arguments()));
      }
      b.message(Message.assistant(text, calls));
    } else if (m instanceof ToolResponseMessage tools) {
      for (ToolResponseMessage.ToolResponse response : tools.getResponses()) {
        b.message(Message.tool(new ToolCall(response.id(), response.name(), "{}"), response.responseData()));
      }
    } else {
      throw new IllegalArgumentException("unsupported message type: " + m.getMessageType());
    }
  }

  private static String base64(Media media) {
    Object data = media.getData();
    if (data instanceof String text) {
      return text; // already base64, as Spring AI's own Ollama model takes it
    }
    return Base64.getEncoder().encodeToString(media.getDataAsByteArray());
  }
}
