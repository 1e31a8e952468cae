package dev.headroom.langchain4j;

import dev.headroom.core.Checks;
import dev.headroom.llm.ChatStream;
import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
  private final LlmRouter router;
  private final String defaultModel;
  private final ChatRequestParameters defaults;
  private final List<ChatModelListener> listeners;

  private HeadroomStreamingChatModel(Builder b) {
    this.router = b.router;
    this.defaultModel = b.defaultModel;
    this.defaults = ChatRequestParameters.builder().modelName(b.defaultModel).build();
    this.listeners = List.copyOf(b.listeners);
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
      stream = router.stream(RequestMapper.map(chatRequest, defaultModel));
    } catch (RuntimeException e) {
      handler.onError(e);
      return;
    }
    stream.subscribe(new StreamBridge(stream, handler));
  }

  /** The model name of requests that name none. */
  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return defaults;
  }

  /** JSON-schema response formats, as {@link HeadroomChatModel#supportedCapabilities()}. */
  @Override
  public Set<Capability> supportedCapabilities() {
    return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  /** The model of requests that name none. */
  public String defaultModel() {
    return defaultModel;
  }

  @Override
  public String toString() {
    return "HeadroomStreamingChatModel{" + defaultModel + " via " + router + '}';
  }

  /** Builds a {@link HeadroomStreamingChatModel}. */
  public static final class Builder {
    private final LlmRouter router;
    private String defaultModel;
    private final List<ChatModelListener> listeners = new ArrayList<>();

    private Builder(LlmRouter router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    /** The model (a name or a router alias) of requests that name none; required. */
    public Builder defaultModel(String value) {
      this.defaultModel = value;
      return this;
    }

    /** Adds listeners that LangChain4j tells of each request, reply and error. */
    public Builder listeners(List<ChatModelListener> values) {
      values.forEach(l -> listeners.add(Objects.requireNonNull(l, "listener")));
      return this;
    }

    /** Validates and builds. */
    public HeadroomStreamingChatModel build() {
      Checks.in("langchain4j streaming chat model").nonBlank("defaultModel", defaultModel);
      return new HeadroomStreamingChatModel(this);
    }
  }
}
