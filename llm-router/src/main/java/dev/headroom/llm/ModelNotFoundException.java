package dev.headroom.llm;

import dev.headroom.core.BackendException;
import java.util.Collection;
import java.util.List;

/**
 * A model that cannot be served. Either a node replied 404 for it (Ollama's {@code model "x" not found, try pulling
 * it first}): a client error, not retried, and the router forgets the model on that node until its next
 * {@code /api/tags}; or the router refused the request before sending it, because no node of the fleet lists the
 * model and no cloud model is mapped for it: then {@link #endpoint()} is the router's name and
 * {@link #knownModels()} lists (a few of) the models the nodes do have.
 */
public final class ModelNotFoundException extends BackendException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_LISTED = 12;

  private final String model;
  private final List<String> knownModels;

  /** An exception for {@code model} missing on {@code endpoint}. */
  public ModelNotFoundException(String endpoint, String model, String body) {
    super(endpoint, 404, "model '" + model + "' not found on this node", body, null);
    this.model = model;
    this.knownModels = List.of();
  }

  private ModelNotFoundException(String router, String model, List<String> known, String message) {
    super(router, 404, message, "", null);
    this.model = model;
    this.knownModels = known;
  }

  /** No node of router {@code router} has {@code model}; {@code unread} nodes' models are not known yet. */
  static ModelNotFoundException onNoNode(String router, String model, Collection<String> known, int unread) {
    List<String> listed = known.stream().limit(MAX_LISTED).toList();
    StringBuilder message = new StringBuilder("model '").append(model).append("' is on no node and has no cloud model");
    message.append("; the nodes have ").append(listed.isEmpty() ? "no models" : String.join(", ", listed));
    if (known.size() > listed.size()) {
      message.append(" and ").append(known.size() - listed.size()).append(" more");
    }
    if (unread > 0) {
      message.append(" (").append(unread).append(unread == 1 ? " node" : " nodes").append(" not read yet)");
    }
    return new ModelNotFoundException(router, model, listed, message.toString());
  }

  /** The model that was missing. */
  public String model() {
    return model;
  }

  /**
   * When no node had the model: the models the nodes do have (at most a dozen, sorted); empty for a node's 404.
   */
  public List<String> knownModels() {
    return knownModels;
  }
}
