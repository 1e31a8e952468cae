package dev.headroom.langchain4j;

import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;

/**
 * LangChain4j's {@link ChatModel} over a Headroom {@link LlmRouter}: every call is routed to the least-loaded Ollama
 * node that has the model, and overflows to the router's other tiers like any other request. Messages (text, base64
 * images, tool calls and results), sampling parameters, tools and JSON / JSON-schema response formats are mapped to
 * a Headroom {@link dev.headroom.llm.ChatRequest}; the reply's text, tool calls, thinking, token counts and finish
 * reason come back. Errors are the router's own ({@link dev.headroom.core.HeadroomException} and its subtypes), after
 * the router's retries. Immutable and thread-safe.
 *
 * <pre>{@code
 * ChatModel model = HeadroomChatModel.builder(router).defaultModel("llama3.2").build();
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(new WeatherTools()).build();
 * }</pre>
 */
public final class HeadroomChatModel implements ChatModel {
  private final ModelSetup setup;

  private HeadroomChatModel(ModelSetup setup) {
    this.setup = setup;
  }

  /** A builder of a model that sends its requests through {@code router}. */
  public static Builder builder(LlmRouter router) {
    return new Builder(router);
  }

  /** Sends the request through the router and waits for the whole answer. */
  @Override
  public ChatResponse doChat(ChatRequest chatRequest) {
    return ResponseMapper.map(setup.router().chat(RequestMapper.map(chatRequest, setup.defaultModel())));
  }

  /** The model name of requests that name none. */
  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return setup.defaults();
  }

  /** JSON-schema response formats: Ollama's {@code format} and the cloud's {@code json_schema} both take them. */
  @Override
  public Set<Capability> supportedCapabilities() {
    return ModelSetup.CAPABILITIES;
  }

  @Override
  public List<ChatModelListener> listeners() {
    return setup.listeners();
  }

  /** The model of requests that name none. */
  public String defaultModel() {
    return setup.defaultModel();
  }

  @Override
  public String toString() {
    return "HeadroomChatModel{" + setup.defaultModel() + " via " + setup.router() + '}';
  }

  /** Builds a {@link HeadroomChatModel}. */
  public static final class Builder {
    private final ModelSetup.Builder setup;

    private Builder(LlmRouter router) {
      this.setup = new ModelSetup.Builder(router);
    }

    /** The model (a name or a router alias) of requests that name none; required. */
    public Builder defaultModel(String value) {
      setup.defaultModel(value);
      return this;
    }

    /** Adds listeners that LangChain4j tells of each request, reply and error. */
    public Builder listeners(List<ChatModelListener> values) {
      setup.listeners(values);
      return this;
    }

    /** Validates and builds. */
    public HeadroomChatModel build() {
      return new HeadroomChatModel(setup.build("langchain4j chat model"));
    }
  }
}
