package dev.headroom.langchain4j;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.Message;
import dev.headroom.llm.ResponseFormat;
import dev.headroom.llm.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.util.List;

/** Turns a LangChain4j chat request into a Headroom {@link ChatRequest}: messages, then each parameter. */
final class RequestMapper {
  private RequestMapper() {}

  /** The Headroom request for {@code request}; its model is the request's model name, else {@code defaultModel}. */
  static ChatRequest map(dev.langchain4j.model.chat.request.ChatRequest request, String defaultModel) {
    ChatRequestParameters parameters = request.parameters();
    String model = parameters == null || parameters.modelName() == null ? defaultModel : parameters.modelName();
    ChatRequest.Builder out = ChatRequest.chat(model);
    for (Message message : new MessageMapper().map(request.messages())) {
      out.message(message);
    }
    if (parameters != null) {
      sampling(parameters, out);
      tools(parameters, out);
      format(parameters.responseFormat(), out);
    }
    return out.build();
  }

  private static void sampling(ChatRequestParameters parameters, ChatRequest.Builder out) {
    if (parameters.temperature() != null) {
      out.temperature(parameters.temperature());
    }
    if (parameters.topP() != null) {
      out.topP(parameters.topP());
    }
    if (parameters.topK() != null) {
      out.topK(parameters.topK());
    }
    if (parameters.maxOutputTokens() != null) {
      out.maxTokens(parameters.maxOutputTokens());
    }
    List<String> stop = parameters.stopSequences();
    if (stop != null && !stop.isEmpty()) {
      out.stop(stop.toArray(String[]::new));
    }
    if (parameters.frequencyPenalty() != null) {
      out.option("frequency_penalty", parameters.frequencyPenalty());
    }
    if (parameters.presencePenalty() != null) {
      out.option("presence_penalty", parameters.presencePenalty());
    }
  }

  private static void tools(ChatRequestParameters parameters, ChatRequest.Builder out) {
    List<ToolSpecification> tools = parameters.toolSpecifications();
    if (tools == null || tools.isEmpty() || parameters.toolChoice() == ToolChoice.NONE) {
      return; // NONE: the model may call no tool, so it is offered none
    }
    if (parameters.toolChoice() == ToolChoice.REQUIRED) {
      throw new UnsupportedFeatureException("ToolChoice.REQUIRED: Ollama has no way to force a tool call");
    }
    for (ToolSpecification tool : tools) {
      String schema = tool.parameters() == null ? SchemaJson.noParameters() : SchemaJson.text(tool.parameters());
      out.tool(Tool.function(tool.name(), tool.description() == null ? "" : tool.description(), schema));
    }
  }

  private static void format(dev.langchain4j.model.chat.request.ResponseFormat format, ChatRequest.Builder out) {
    if (format == null || format.type() != ResponseFormatType.JSON) {
      return;
    }
    JsonSchema schema = format.jsonSchema();
    if (schema == null) {
      out.format(ResponseFormat.json());
      return;
    }
    String text = SchemaJson.text(schema.rootElement());
    String name = schema.name();
    out.format(name != null && name.matches("[A-Za-z0-9_-]{1,64}") ? ResponseFormat.schema(name, text)
        : ResponseFormat.schema(text));
  }
}
