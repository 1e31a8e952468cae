package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A logical model served by several {@linkplain Deployment deployments}, tried in the order they were added: a
 * request for the group's name goes to the first deployment with room (the Ollama fleet's nodes, or a provider's
 * deployment within its concurrency and paced limits, not cooling down, whose context window the prompt fits),
 * and overflows down the list. The group has its own spend limit over its priced deployments. Immutable.
 *
 * <pre>{@code
 * ModelGroup chat = ModelGroup.builder("chat")
 *     .deployment(Deployment.ollama("llama3.1:8b").contextWindow(8_192).build())
 *     .deployment(Deployment.on(openai, "gpt-4o-mini").requestsPerMinute(500).contextWindow(128_000)
 *         .price(new ModelPrice(0.15, 0.60)).build())
 *     .deployment(Deployment.on(azure, "gpt-4o-mini").requestsPerMinute(300).contextWindow(128_000)
 *         .price(new ModelPrice(0.15, 0.60)).build())
 *     .spendLimit(new SpendLimit(600, 1.00))                   // per minute, over the whole group
 *     .build();
 * }</pre>
 */
public final class ModelGroup {
  private final String name;
  private final List<Deployment> deployments;
  private final SpendLimit spendLimit;
  private final int assumedAnswerTokens;

  private ModelGroup(Builder b) {
    this.name = b.name;
    this.deployments = List.copyOf(b.deployments);
    this.spendLimit = b.spendLimit;
    this.assumedAnswerTokens = b.assumedAnswerTokens;
  }

  /** A builder for the group that requests name {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The name requests use. */
  public String name() {
    return name;
  }

  /** The deployments, in the order they are tried. */
  public List<Deployment> deployments() {
    return deployments;
  }

  /** The spend limit over the group's deployments. */
  public SpendLimit spendLimit() {
    return spendLimit;
  }

  /** The answer length assumed when a request sets no max tokens (estimates of cost, tokens and context). */
  public int assumedAnswerTokens() {
    return assumedAnswerTokens;
  }

  /** The Ollama fleet's deployment, or null. */
  Deployment ollama() {
    return deployments.stream().filter(Deployment::isOllama).findFirst().orElse(null);
  }

  @Override
  public String toString() {
    return "ModelGroup{" + name + ", " + deployments.stream().map(Deployment::id).toList() + ", spendLimit="
        + spendLimit + '}';
  }

  /** Builds a {@link ModelGroup}. */
  public static final class Builder {
    private final String name;
    private final List<Deployment> deployments = new ArrayList<>();
    private SpendLimit spendLimit = SpendLimit.unlimited();
    private int assumedAnswerTokens = 512;

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a deployment, tried after the ones added before it. */
    public Builder deployment(Deployment value) {
      deployments.add(Objects.requireNonNull(value, "deployment"));
      return this;
    }

    /** The spend limit over the group's deployments; default unlimited. */
    public Builder spendLimit(SpendLimit value) {
      this.spendLimit = Objects.requireNonNull(value, "spendLimit");
      return this;
    }

    /** The answer length assumed when a request sets no max tokens; default 512. */
    public Builder assumedAnswerTokens(int value) {
      this.assumedAnswerTokens = value;
      return this;
    }

    /** Validates and builds. */
    public ModelGroup build() {
      Checks.in("model group").nonBlank("name", name);
      Checks checks = Checks.in("model group '" + name + "'");
      checks.notEmpty("deployments", deployments, "deployment");
      checks.atLeast("assumedAnswerTokens", assumedAnswerTokens, 1);
      java.util.Set<String> ids = new java.util.HashSet<>();
      for (int i = 0; i < deployments.size(); i++) {
        Deployment d = deployments.get(i);
        if (!ids.add(d.id())) {
          throw checks.invalid("deployments[" + i + "].id", d.id(), d.isOllama()
              ? "a group has at most one Ollama deployment" : "must be unique in the group");
        }
        if (spendLimit.limitsCost() && !d.isOllama() && d.price().isEmpty()) {
          throw checks.invalid("deployments[" + i + "].price", "none",
              "must be set when spendLimit.maxCostPerMinute is");
        }
      }
      return new ModelGroup(this);
    }
  }
}
