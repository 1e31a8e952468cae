package dev.headroom.core.route;

import dev.headroom.core.Lease;

/**
 * The work a {@link Router} runs on the endpoint it chose. Return normally and the router records a success;
 * throw and the router classifies the failure, records it and may retry elsewhere. To keep using the lease after
 * returning (a stream), call {@link Lease#detach()} and complete the lease yourself.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface Call<T> {
  /** Runs the request against {@code lease.endpoint()}. */
  T call(Lease lease) throws Exception;
}
