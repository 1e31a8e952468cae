package dev.headroom.llm;

import dev.headroom.core.route.FailureClassifier;
import dev.headroom.core.route.FailureKind;
import java.util.concurrent.CancellationException;

/**
 * Ollama-aware failure classes: a 503 "server busy" and a 404 for a missing model re-route at once without
 * penalizing the node ({@link FailureKind#BUSY}); a refused spend and a cancelled stream are the caller's
 * ({@link FailureKind#LOCAL}); the rest as {@link FailureClassifier#defaults()}.
 */
final class LlmClassifier implements FailureClassifier {
  private final FailureClassifier defaults = FailureClassifier.defaults();

  @Override
  public FailureKind classify(Throwable failure) {
    Throwable t = FailureClassifier.unwrap(failure);
    if (t instanceof ServerBusyException || t instanceof ModelNotFoundException) {
      return FailureKind.BUSY;
    }
    if (t instanceof SpendLimitExceededException || t instanceof CancellationException) {
      return FailureKind.LOCAL;
    }
    return defaults.classify(t);
  }
}
