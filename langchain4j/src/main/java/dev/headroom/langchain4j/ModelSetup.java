package dev.headroom.langchain4j;

import dev.headroom.core.Checks;
import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the chat models share: the router, the model of requests that name none (as LangChain4j's default request
 * parameters), the listeners, and the capabilities. Immutable; built by {@link Builder}, which the public builders of
 * {@link HeadroomChatModel} and {@link HeadroomStreamingChatModel} delegate to.
 */
record ModelSetup(LlmRouter router, String defaultModel, ChatRequestParameters defaults,
    List<ChatModelListener> listeners) {
  /** JSON-schema response formats: Ollama's {@code format} and the cloud's {@code json_schema} both take them. */
  static final Set<Capability> CAPABILITIES = Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);

  /** Collects a model's settings. */
  static final class Builder {
    private final LlmRouter router;
    private String defaultModel;
    private final List<ChatModelListener> listeners = new ArrayList<>();

    Builder(LlmRouter router) {
      this.router = Objects.requireNonNull(router, "router");
    }

    void defaultModel(String value) {
      this.defaultModel = value;
    }

    void listeners(List<ChatModelListener> values) {
      values.forEach(l -> listeners.add(Objects.requireNonNull(l, "listener")));
    }

    /** Validates ({@code subject} names the model in the error) and builds. */
    ModelSetup build(String subject) {
      Checks.in(subject).nonBlank("defaultModel", defaultModel);
      return new ModelSetup(router, defaultModel, ChatRequestParameters.builder().modelName(defaultModel).build(),
          List.copyOf(listeners));
    }
  }
}
