package dev.headroom.springai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * The options of a {@link HeadroomChatModel}: Spring AI's portable ones (model, temperature, top-p, top-k, max tokens,
 * stop sequences, penalties), tools, and an output schema, so that a {@code ChatClient} can pass its
 * {@code .tools(...)} and, with native structured output, its {@code .entity(...)} schema through. Immutable; null
 * means "not set" (the model's default applies). Build with {@link #builder()}.
 */
public final class HeadroomChatOptions implements ToolCallingChatOptions, StructuredOutputChatOptions {
  private final String model;
  private final Double frequencyPenalty;
  private final Integer maxTokens;
  private final Double presencePenalty;
  private final List<String> stopSequences;
  private final Double temperature;
  private final Integer topK;
  private final Double topP;
  private final List<ToolCallback> toolCallbacks;
  private final Map<String, Object> toolContext;
  private final String outputSchema;

  private HeadroomChatOptions(Builder b) {
    this.model = b.model;
    this.frequencyPenalty = b.frequencyPenalty;
    this.maxTokens = b.maxTokens;
    this.presencePenalty = b.presencePenalty;
    this.stopSequences = b.stopSequences == null ? null : List.copyOf(b.stopSequences);
    this.temperature = b.temperature;
    this.topK = b.topK;
    this.topP = b.topP;
    this.toolCallbacks = List.copyOf(b.toolCallbacks);
    this.toolContext = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.toolContext));
    this.outputSchema = b.outputSchema;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String getModel() {
    return model;
  }

  @Override
  public Double getFrequencyPenalty() {
    return frequencyPenalty;
  }

  @Override
  public Integer getMaxTokens() {
    return maxTokens;
  }

  @Override
  public Double getPresencePenalty() {
    return presencePenalty;
  }

  @Override
  public List<String> getStopSequences() {
    return stopSequences;
  }

  @Override
  public Double getTemperature() {
    return temperature;
  }

  @Override
  public Integer getTopK() {
    return topK;
  }

  @Override
  public Double getTopP() {
    return topP;
  }

  @Override
  public List<ToolCallback> getToolCallbacks() {
    return toolCallbacks;
  }

  @Override
  public Map<String, Object> getToolContext() {
    return toolContext;
  }

  @Override
  public String getOutputSchema() {
    return outputSchema;
  }

  /** A builder pre-filled with these options. */
  @Override
  public Builder mutate() {
    return new Builder().combineWith(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeadroomChatOptions h && Objects.equals(model, h.model)
        && Objects.equals(frequencyPenalty, h.frequencyPenalty) && Objects.equals(maxTokens, h.maxTokens)
        && Objects.equals(presencePenalty, h.presencePenalty) && Objects.equals(stopSequences, h.stopSequences)
        && Objects.equals(temperature, h.temperature) && Objects.equals(topK, h.topK) && Objects.equals(topP, h.topP)
        && toolCallbacks.equals(h.toolCallbacks) && toolContext.equals(h.toolContext)
        && Objects.equals(outputSchema, h.outputSchema);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, temperature, topP, topK, maxTokens, toolCallbacks, outputSchema);
  }

  @Override
  public String toString() {
    return "HeadroomChatOptions{model=" + model + ", temperature=" + temperature + ", topP=" + topP + ", topK=" + topK
        + ", maxTokens=" + maxTokens + ", tools=" + toolCallbacks.stream()
            .map(t -> t.getToolDefinition().name()).toList() + (outputSchema == null ? "" : ", outputSchema") + '}';
  }

  /** Builds {@link HeadroomChatOptions}; Spring AI's option builders of both tool calling and structured output. */
  public static final class Builder implements ToolCallingChatOptions.Builder<Builder>,
      StructuredOutputChatOptions.Builder<Builder> {
    private String model;
    private Double frequencyPenalty;
    private Integer maxTokens;
    private Double presencePenalty;
    private List<String> stopSequences;
    private Double temperature;
    private Integer topK;
    private Double topP;
    private List<ToolCallback> toolCallbacks = new ArrayList<>();
    private Map<String, Object> toolContext = new LinkedHashMap<>();
    private String outputSchema;

    private Builder() {}

    @Override
    public Builder clone() {
      Builder copy = new Builder();
      copy.model = model;
      copy.frequencyPenalty = frequencyPenalty;
      copy.maxTokens = maxTokens;
      copy.presencePenalty = presencePenalty;
      copy.stopSequences = stopSequences;
      copy.temperature = temperature;
      copy.topK = topK;
      copy.topP = topP;
      copy.toolCallbacks = new ArrayList<>(toolCallbacks);
      copy.toolContext = new LinkedHashMap<>(toolContext);
      copy.outputSchema = outputSchema;
      return copy;
    }

    @Override
    public Builder model(String value) {
      this.model = value;
      return this;
    }

    @Override
    public Builder frequencyPenalty(Double value) {
      this.frequencyPenalty = value;
      return this;
    }

    @Override
    public Builder maxTokens(Integer value) {
      this.maxTokens = value;
      return this;
    }

    @Override
    public Builder presencePenalty(Double value) {
      this.presencePenalty = value;
      return this;
    }

    @Override
    public Builder stopSequences(List<String> value) {
      this.stopSequences = value;
      return this;
    }

    @Override
    public Builder temperature(Double value) {
      this.temperature = value;
      return this;
    }

    @Override
    public Builder topK(Integer value) {
      this.topK = value;
      return this;
    }

    @Override
    public Builder topP(Double value) {
      this.topP = value;
      return this;
    }

    @Override
    public Builder toolCallbacks(List<ToolCallback> value) {
      this.toolCallbacks = new ArrayList<>(value == null ? List.of() : value);
      return this;
    }

    @Override
    public Builder toolCallbacks(ToolCallback... value) {
      return toolCallbacks(List.of(value));
    }

    @Override
    public Builder toolContext(Map<String, Object> value) {
      this.toolContext = new LinkedHashMap<>(value == null ? Map.of() : value);
      return this;
    }

    @Override
    public Builder toolContext(String key, Object value) {
      this.toolContext.put(key, value);
      return this;
    }

    @Override
    public Builder outputSchema(String value) {
      this.outputSchema = value;
      return this;
    }

    /** Takes every value {@code other} sets (its tools added to these). */
    @Override
    public Builder combineWith(ChatOptions.Builder<?> other) {
      return other == null ? this : combineWith(other.build());
    }

    Builder combineWith(ChatOptions other) {
      if (other == null) {
        return this;
      }
      if (other.getModel() != null) {
        model = other.getModel();
      }
      if (other.getFrequencyPenalty() != null) {
        frequencyPenalty = other.getFrequencyPenalty();
      }
      if (other.getMaxTokens() != null) {
        maxTokens = other.getMaxTokens();
      }
      if (other.getPresencePenalty() != null) {
        presencePenalty = other.getPresencePenalty();
      }
      if (other.getStopSequences() != null) {
        stopSequences = other.getStopSequences();
      }
      if (other.getTemperature() != null) {
        temperature = other.getTemperature();
      }
      if (other.getTopK() != null) {
        topK = other.getTopK();
      }
      if (other.getTopP() != null) {
        topP = other.getTopP();
      }
      if (other instanceof ToolCallingChatOptions tools) {
        for (ToolCallback callback : tools.getToolCallbacks()) {
          String name = callback.getToolDefinition().name();
          toolCallbacks.removeIf(t -> t.getToolDefinition().name().equals(name));
          toolCallbacks.add(callback);
        }
        toolContext.putAll(tools.getToolContext());
      }
      if (other instanceof StructuredOutputChatOptions structured && structured.getOutputSchema() != null) {
        outputSchema = structured.getOutputSchema();
      }
      return this;
    }

    @Override
    public HeadroomChatOptions build() {
      return new HeadroomChatOptions(this);
    }
  }
}
