package dev.headroom.springai;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatStream;
import dev.headroom.llm.LlmRouter;
import java.util.Objects;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spring AI's {@link ChatModel} (and {@link org.springframework.ai.chat.model.StreamingChatModel}) backed by
 * Headroom's {@link LlmRouter}: a {@code ChatClient} built on it routes every call over the Ollama fleet with
 * Headroom's picking, deadlines and cloud overflow.
 *
 * <pre>{@code
 * ChatModel chatModel = HeadroomChatModel.builder(llmRouter).defaultModel("llama3.2").build();
 * ChatClient chat = ChatClient.create(chatModel);
 * String answer = chat.prompt().user("Why is the sky blue?").call().content();
 * }</pre>
 *
 * <p>What passes through: the portable options (model, temperature, top-p, top-k, max tokens, stop sequences,
 * frequency and presence penalties), tool definitions (the calls come back in the assistant message; Spring AI's
 * {@code ToolCallingAdvisor} runs them and calls again), an output schema (with native structured output), images of
 * user messages, and the model name, usage and finish reason of the reply. Streaming sends each chunk of text as it
 * arrives, then one last response with the tool calls, the finish reason and the usage.
 */
public final class HeadroomChatModel implements ChatModel {
  private final LlmRouter router;
  private final HeadroomChatOptions defaults;

  private HeadroomChatModel(Builder b) {
    this.router = b.router;
    this.defaults = b.defaults;
  }

  /** A builder for a model over {@code router}. */
  public static Builder builder(LlmRouter router) {
    return new Builder(router);
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    ChatRequest request = PromptMapping.request(prompt, defaults);
    return ResponseMapping.response(router.chat(request));
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return Flux.defer(() -> {
      ChatStream stream = router.stream(PromptMapping.request(prompt, defaults));
      Flux<ChatResponse> chunks = JdkFlowAdapter.flowPublisherToFlux(stream)
          .map(chunk -> ResponseMapping.chunk(chunk.text()));
      return chunks.concatWith(Mono.defer(() -> Mono.fromFuture(stream.result()).map(ResponseMapping::end)));
    });
  }

  /**
   * The options applied when a prompt does not set them, which Spring AI's {@code ChatClient} starts from: Headroom's
   * options, so that the client's tools and native output schema have somewhere to go.
   */
  @Override
  public ChatOptions getOptions() {
    return defaults;
  }

  @Override
  public ChatOptions getDefaultOptions() {
    return defaults;
  }

  @Override
  public String toString() {
    return "HeadroomChatModel{" + router + ", " + defaults + '}';
  }

  /** Builds a {@link HeadroomChatModel}. */
  public static final class Builder {
    private final LlmRouter router;
    private HeadroomChatOptions defaults = HeadroomChatOptions.builder().build();

    private Builder(LlmRouter router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    /** The model of prompts that name none (a model name or an alias of the router). */
    public Builder defaultModel(String model) {
      this.defaults = defaults.mutate().model(model).build();
      return this;
    }

    /** Default options (any Spring AI {@link ChatOptions}; its model, if set, becomes the default model). */
    public Builder defaultOptions(ChatOptions options) {
      this.defaults = defaults.mutate().combineWith(options).build();
      return this;
    }

    /** Builds the model. */
    public HeadroomChatModel build() {
      return new HeadroomChatModel(this);
    }
  }
}
