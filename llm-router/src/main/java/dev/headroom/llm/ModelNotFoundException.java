package dev.headroom.llm;

import dev.headroom.core.BackendException;

/**
 * The node does not have the model (Ollama's 404 {@code model "x" not found, try pulling it first}). The router
 * forgets the model on that node and sends the request to a node that has it; the node is not penalized.
 */
public final class ModelNotFoundException extends BackendException {
  private static final long serialVersionUID = 1L;

  private final String model;

  /** An exception for {@code model} missing on {@code endpoint}. */
  public ModelNotFoundException(String endpoint, String model, String body) {
    super(endpoint, 404, "model '" + model + "' not found on this node", body, null);
    this.model = model;
  }

  /** The model that was missing. */
  public String model() {
    return model;
  }
}
