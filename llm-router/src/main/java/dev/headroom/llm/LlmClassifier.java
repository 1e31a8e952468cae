package dev.headroom.llm;

import dev.headroom.core.route.FailureClassifier;
import dev.headroom.core.route.FailureKind;
import java.util.concurrent.CancellationException;

/**
 * Ollama-aware failure classes: a 503 "server busy" re-routes at once without penalizing the node
 * ({@link FailureKind#BUSY}); a 404 for a missing model is a client error ({@link FailureKind#REJECTED}: the model
 * is forgotten on that node, the request is not sent elsewhere); a refused spend and a cancelled stream are the
 * caller's ({@link FailureKind#LOCAL}); the rest as {@link FailureClassifier#defaults()} (another 4xx is
 * {@link FailureKind#REJECTED}, a 429 {@link FailureKind#BUSY}).
 */
final class LlmClassifier implements FailureClassifier {
  private final FailureClassifier defaults = FailureClassifier.defaults();

  @Override
  public FailureKind classify(Throwable failure) {
    Throwable t = FailureClassifier.unwrap(failure);
    if (t instanceof ServerBusyException) {
      return FailureKind.BUSY;
    }
    if (t instanceof ModelNotFoundException) {
      return FailureKind.REJECTED;
    }
    if (t instanceof SpendLimitExceededException || t instanceof CancellationException) {
      return FailureKind.LOCAL;
    }
    return defaults.classify(t);
  }
}
