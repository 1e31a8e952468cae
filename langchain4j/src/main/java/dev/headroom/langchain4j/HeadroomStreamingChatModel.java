package dev.headroom.langchain4j;

import dev.headroom.llm.ChatStream;
import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

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
public final class HeadroomStreamingChatModel extends RouterChatModel implements StreamingChatModel {
  private HeadroomStreamingChatModel(ModelSetup setup) {
    super(setup);
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

  /** Builds a {@link HeadroomStreamingChatModel}. */
  public static final class Builder extends RouterChatModel.Builder<Builder, HeadroomStreamingChatModel> {
    private Builder(LlmRouter router) {
      super(router);
    }

    @Override
    public HeadroomStreamingChatModel build() {
      return new HeadroomStreamingChatModel(setup.build("langchain4j streaming chat model"));
    }

    @Override
    Builder self() {
      return this;
    }
  }
}
