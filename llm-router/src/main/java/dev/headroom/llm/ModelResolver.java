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

  ModelResolver(LlmRouterSettings settings, Catalog catalog, LlmCost cost, Affinity affinity) {
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
  RouteOptions options(ModelTarget target, boolean idempotent, Duration timeout) {
    return options(target, idempotent, timeout, null);
  }

  /**
   * As {@link #options(ModelTarget, boolean, Duration)}, for a request of the conversation {@code conversation}
   * (null: none): with conversation affinity, its last node is preferred while its load is within the bound.
   */
  RouteOptions options(ModelTarget target, boolean idempotent, Duration timeout, String conversation) {
    requireModel(target);
    Selector model = new ModelSelector(catalog, cost, ticker, target.key(), loadedPreference);
    Selector selector = affinity == null || conversation == null ? model : affinity.selector(conversation, model);
    return RouteOptions.builder()
        .idempotent(idempotent)
        .timeout(timeout)
        .selector(LlmRouter.LOCAL, selector)
        .selector(LlmRouter.REMOTE, selector)
        .selector(LlmRouter.CLOUD, target.cloudModel() != null ? Selector.any() : NONE)
        .build();
  }

  /** The conversation key of {@code request} for {@code target}, or null without conversation affinity. */
  String conversation(ChatRequest request, ModelTarget target) {
    return affinity == null ? null : Affinity.key(request, target.key());
  }

  /** {@code endpoint} of {@code tier} answered the conversation {@code key} (null: none). */
  void served(String key, String tier, String endpoint) {
    if (affinity != null && key != null && (tier.equals(LlmRouter.LOCAL) || tier.equals(LlmRouter.REMOTE))) {
      affinity.served(key, endpoint);
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
