package dev.headroom.bench.sim;

import dev.headroom.core.BackendException;
import java.io.IOException;
import java.net.ConnectException;

/**
 * A baseline's choice of backend for a {@link DirectClient}: the client sends straight to the chosen backend (which
 * queues what it cannot serve yet), and retries elsewhere as a typical client does.
 */
interface Chooser {
  /** Nothing acceptable: the request fails (or goes to the cloud tier, if there is one). */
  int NONE = -1;
  /** Send it to the cloud tier (only the oracle decides this before a failure). */
  int SPILL = -2;

  /**
   * @param excluded backends this request already failed on (bit i: backend i)
   * @return the index of a local backend, {@link #NONE} or {@link #SPILL}
   */
  int choose(long excluded, long now);

  /** A call to backend {@code index} ended; {@code failure} is null on success. */
  default void finished(int index, Throwable failure, long now) {}

  /** Whether the client sends the request again after {@code failure}. */
  default boolean retries(Throwable failure, boolean idempotent) {
    if (failure instanceof ConnectException) {
      return true; // never reached the backend
    }
    return idempotent && (failure instanceof IOException || failure instanceof BackendException);
  }

  /** The most calls per request, the first included. */
  default int maxAttempts() {
    return 3;
  }

  static boolean excluded(long mask, int index) {
    return (mask & (1L << index)) != 0;
  }
}
