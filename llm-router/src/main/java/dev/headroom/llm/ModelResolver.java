package dev.headroom.llm;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Selector;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Model resolution: turns a request's model name into a {@link ModelTarget} (aliases, the catalog key, the cloud
 * model), refuses a model no node has and no cloud model maps, and builds the route options whose selectors keep
 * each tier to the endpoints that can serve the model.
 */
final class ModelResolver {
  private static final Selector NONE = new Selector() {
    @Override
    public boolean accepts(EndpointState endpoint) {
      return false;
    }

    @Override
    public String toString() {
      return "none";
    }
  };

  private final String router;
  private final Map<String, String> aliases;
  private final Map<String, String> cloudModels;
  private final Catalog catalog;
  private final LlmCost cost;
  private final Ticker ticker;
  private final double loadedPreference;
  private final Affinity affinity; // null without conversation affinity

  private final Deployments deployments;
  private final boolean remote;

  ModelResolver(LlmRouterSettings settings, Catalog catalog, LlmCost cost, Affinity affinity,
      Deployments deployments) {
    this.deployments = deployments;
    this.remote = !settings.remoteNodes().isEmpty();
    this.router = settings.name();
    this.aliases = settings.aliases();
    this.cloudModels = settings.cloud() == null ? Map.of() : settings.cloud().models();
    this.catalog = catalog;
    this.cost = cost;
    this.ticker = settings.ticker();
    this.loadedPreference = settings.loadedPreference();
    this.affinity = affinity;
  }

  /** The target of {@code requested}: its alias resolved, its catalog key, and its cloud model if mapped. */
  ModelTarget resolve(String requested) {
    ModelGroup group = deployments.group(requested);
    if (group != null) {
      Deployment ollama = group.ollama();
      String wire = ollama == null ? group.name() : ollama.model();
      return new ModelTarget(wire, ollama == null ? group.name() : WireOllama.normalize(wire), null, group);
    }
    String resolved = aliases.getOrDefault(requested, requested);
    String key = WireOllama.normalize(resolved);
    String cloudModel = cloudModels.get(requested);
    if (cloudModel == null) {
      cloudModel = cloudModels.get(resolved);
    }
    if (cloudModel == null) {
      cloudModel = cloudModels.get(key);
    }
    return new ModelTarget(resolved, key, cloudModel);
  }

  /**
   * The route options of a request for {@code target}: the Ollama tiers select nodes by the model, the cloud serves
   * only a mapped model.
   *
   * @throws ModelNotFoundException when no node lists the model and no cloud model maps it
   */
  RouteOptions options(ModelTarget target, boolean idempotent, Duration timeout, int tokens) {
    return options(target, idempotent, timeout, null, tokens);
  }

  /**
   * As {@link #options(ModelTarget, boolean, Duration, int)}, for a request of the conversation {@code conversation}
   * (null: none): with conversation affinity, its last node is preferred while its load is within the bound.
   * {@code tokens} is the request's estimated prompt and answer tokens, held against a group's context windows.
   *
   * @throws ContextWindowExceededException when the request is for a group and fits none of its deployments
   */
  RouteOptions options(ModelTarget target, boolean idempotent, Duration timeout, Affinity.Turn conversation,
      int tokens) {
    if (target.group() != null) {
      return groupOptions(target, idempotent, timeout, conversation, tokens);
    }
    requireModel(target);
    Selector selector = ollamaSelector(target, conversation);
    return RouteOptions.builder()
        .idempotent(idempotent)
        .timeout(timeout)
        .selector(LlmRouter.LOCAL, selector)
        .selector(LlmRouter.REMOTE, selector)
        .selector(LlmRouter.CLOUD, target.cloudModel() != null ? Selector.any() : NONE)
        .build();
  }

  /**
   * A group's options: each deployment's tier takes the request only when it fits the deployment's context window
   * (the Ollama tiers then select nodes by the deployment's model).
   */
  private RouteOptions groupOptions(ModelTarget target, boolean idempotent, Duration timeout,
      Affinity.Turn conversation, int tokens) {
    ModelGroup group = target.group();
    RouteOptions.Builder options = RouteOptions.builder().idempotent(idempotent).timeout(timeout);
    int largest = 0;
    boolean fits = false;
    for (Deployment d : group.deployments()) {
      boolean fit = d.fits(tokens);
      fits |= fit;
      largest = Math.max(largest, d.contextWindow());
      if (d.isOllama()) {
        Selector selector = fit ? ollamaSelector(target, conversation) : NONE;
        options.selector(LlmRouter.LOCAL, selector);
        if (remote) {
          options.selector(LlmRouter.REMOTE, selector);
        }
      } else {
        options.selector(d.id(), fit ? Selector.any() : NONE);
      }
    }
    if (!fits) {
      throw new ContextWindowExceededException(group.name(), tokens, largest);
    }
    if (group.deployments().size() == 1 && group.ollama() != null) {
      requireModel(target); // the fleet alone: a model no node has is not found, as without a group
    }
    return options.build();
  }

  private Selector ollamaSelector(ModelTarget target, Affinity.Turn conversation) {
    Selector model = new ModelSelector(catalog, cost, ticker, target.key(), loadedPreference);
    return affinity == null || conversation == null ? model : affinity.selector(conversation, model);
  }

  /** The conversation turn of {@code request} for {@code target}, or null without conversation affinity. */
  Affinity.Turn conversation(ChatRequest request, ModelTarget target) {
    return affinity == null ? null : Affinity.turn(request, target.key());
  }

  /** {@code endpoint} of {@code tier} answered the conversation {@code key} (null: none). */
  void served(Affinity.Turn turn, String tier, String endpoint) {
    if (affinity != null && turn != null && (tier.equals(LlmRouter.LOCAL) || tier.equals(LlmRouter.REMOTE))) {
      affinity.served(turn, endpoint);
    }
  }

  /**
   * Refuses at once a model that no node lists and no cloud model is mapped for, naming what the nodes have
   * (when no node's models are known at all, the fleet is unreachable: routing reports that instead).
   */
  private void requireModel(ModelTarget target) {
    if (target.cloudModel() != null || catalog.anyHas(target.key())) {
      return;
    }
    Set<String> known = catalog.allAvailable();
    int unread = catalog.unread();
    if (unread < catalog.size()) {
      throw ModelNotFoundException.onNoNode(router, target.wire(), known, unread);
    }
  }
}
