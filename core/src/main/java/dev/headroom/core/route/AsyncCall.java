package dev.headroom.core.route;

import dev.headroom.core.Lease;
import java.util.concurrent.CompletionStage;

/**
 * Non-blocking work for {@link Router#executeAsync}: start the request and return its completion. The same rules
 * as {@link Call} apply to the outcome and to {@link Lease#detach()}.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface AsyncCall<T> {
  /** Starts the request against {@code lease.endpoint()}; must not block. */
  CompletionStage<T> call(Lease lease);
}
