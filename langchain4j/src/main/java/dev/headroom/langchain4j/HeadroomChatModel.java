package dev.headroom.langchain4j;

import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

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
public final class HeadroomChatModel extends RouterChatModel implements ChatModel {
  private HeadroomChatModel(ModelSetup setup) {
    super(setup);
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

  /** Builds a {@link HeadroomChatModel}. */
  public static final class Builder extends RouterChatModel.Builder<Builder, HeadroomChatModel> {
    private Builder(LlmRouter router) {
      super(router);
    }

    @Override
    public HeadroomChatModel build() {
      return new HeadroomChatModel(setup.build("langchain4j chat model"));
    }

    @Override
    Builder self() {
      return this;
    }
  }
}
