package dev.headroom.langchain4j;

import dev.headroom.llm.LlmRouter;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;
import java.util.Set;

/**
 * What {@link HeadroomChatModel} and {@link HeadroomStreamingChatModel} share: their {@link ModelSetup} and the
 * methods of LangChain4j's model interfaces that answer from it (default parameters, capabilities, listeners), and a
 * builder that collects it. Each subclass adds only how it sends a request.
 */
abstract class RouterChatModel {
  final ModelSetup setup;

  RouterChatModel(ModelSetup setup) {
    this.setup = setup;
  }

  /** The model name of requests that name none. */
  public ChatRequestParameters defaultRequestParameters() {
    return setup.defaults();
  }

  /** JSON-schema response formats: Ollama's {@code format} and the cloud's {@code json_schema} both take them. */
  public Set<Capability> supportedCapabilities() {
    return ModelSetup.CAPABILITIES;
  }

  /** The listeners LangChain4j tells of each request, reply and error. */
  public List<ChatModelListener> listeners() {
    return setup.listeners();
  }

  /** The model of requests that name none. */
  public String defaultModel() {
    return setup.defaultModel();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + setup.defaultModel() + " via " + setup.router() + '}';
  }

  /** Collects the settings of a model of type {@code M}; {@code B} is the concrete builder. */
  abstract static class Builder<B extends Builder<B, M>, M> {
    final ModelSetup.Builder setup;

    Builder(LlmRouter router) {
      this.setup = new ModelSetup.Builder(router);
    }

    /** The model (a name or a router alias) of requests that name none; required. */
    public B defaultModel(String value) {
      setup.defaultModel(value);
      return self();
    }

    /** Adds listeners that LangChain4j tells of each request, reply and error. */
    public B listeners(List<ChatModelListener> values) {
      setup.listeners(values);
      return self();
    }

    /** Validates and builds. */
    public abstract M build();

    abstract B self();
  }
}
