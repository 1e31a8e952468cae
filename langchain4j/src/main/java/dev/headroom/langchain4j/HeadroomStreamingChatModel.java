package dev.headroom.langchain4j;

import dev.headroom.llm.ChatStream;
import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.Set;

/**
 * LangChain4j's {@link StreamingChatModel} over a Headroom {@link LlmRouter}'s {@link ChatStream}: the request is
 * mapped as by {@link HeadroomChatModel}; each chunk is an {@code onPartialResponse} (with a handle that cancels the
 * stream), and the end is one {@code onCompleteResponse} with the whole answer, tool calls included, or one
 * {@code onError} with the router's typed error: before the first chunk the router has already retried elsewhere;
 * after it, a {@link dev.headroom.llm.StreamInterruptedException} that keeps the text delivered. Callbacks run on the
 * stream's thread. Immutable and thread-safe.
 *
 * <pre>{@code
 * StreamingChatModel model = HeadroomStreamingChatModel.builder(router).defaultModel("llama3.2").build();
 * }</pre>
 */
public final class HeadroomStreamingChatModel implements StreamingChatModel {
  private final ModelSetup setup;

  private HeadroomStreamingChatModel(ModelSetup setup) {
    this.setup = setup;
  }

  /** A builder of a model that streams its requests through {@code router}. */
  public static Builder builder(LlmRouter router) {
    return new Builder(router);
  }

  /** Starts the stream and returns; {@code handler} hears of it on the stream's thread. */
  @Override
  public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
    ChatStream stream;
    try {
      stream = setup.router().stream(RequestMapper.map(chatRequest, setup.defaultModel()));
    } catch (RuntimeException e) {
      handler.onError(e);
      return;
    }
    stream.subscribe(new StreamBridge(stream, handler));
  }

  /** The model name of requests that name none. */
  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return setup.defaults();
  }

  /** JSON-schema response formats, as {@link HeadroomChatModel#supportedCapabilities()}. */
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
    return "HeadroomStreamingChatModel{" + setup.defaultModel() + " via " + setup.router() + '}';
  }

  /** Builds a {@link HeadroomStreamingChatModel}. */
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
    public HeadroomStreamingChatModel build() {
      return new HeadroomStreamingChatModel(setup.build("langchain4j streaming chat model"));
    }
  }
}
