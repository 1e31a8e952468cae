package dev.headroom.core.route;

import dev.headroom.core.BackendException;
import dev.headroom.core.NoCapacityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Decides what a call's exception means. Modules with protocol knowledge (Ollama's busy reply) supply their own. */
@FunctionalInterface
public interface FailureClassifier {

  /** The kind of {@code failure} (already unwrapped from completion wrappers). */
  FailureKind classify(Throwable failure);

  /**
   * The default: connection refused and connect timeouts are {@link FailureKind#UNSENT}; other I/O errors and
   * timeouts {@link FailureKind#FAILED}; a {@link BackendException} with 429 or 503 is {@link FailureKind#BUSY} (the
   * router then honours its {@link BackendException#retryAfter()}), another
   * 4xx {@link FailureKind#REJECTED}, anything else from the backend {@link FailureKind#FAILED}; a nested
   * {@link NoCapacityException} is {@link FailureKind#BUSY}; any other exception is the caller's own
   * ({@link FailureKind#LOCAL}).
   */
  static FailureClassifier defaults() {
    return failure -> {
      Throwable t = unwrap(failure);
      if (t instanceof BackendException backend) {
        int status = backend.status().orElse(-1);
        if (status == 429 || status == 503) { // backpressure, possibly with a Retry-After (see Route)
          return FailureKind.BUSY;
        }
        if (status >= 400 && status < 500 && status != 408) {
          return FailureKind.REJECTED;
        }
        Throwable cause = backend.getCause();
        return cause != null && cause != backend && classifyIo(cause) == FailureKind.UNSENT
            ? FailureKind.UNSENT : FailureKind.FAILED;
      }
      if (t instanceof NoCapacityException) {
        return FailureKind.BUSY;
      }
      FailureKind io = classifyIo(t);
      return io != null ? io : FailureKind.LOCAL;
    };
  }

  /** Removes {@link CompletionException}, {@link ExecutionException} and {@link UncheckedIOException} wrappers. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException
        || t instanceof UncheckedIOException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static FailureKind classifyIo(Throwable t) {
    if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
        || t instanceof NoRouteToHostException || t instanceof UnresolvedAddressException) {
      return FailureKind.UNSENT;
    }
    if (t instanceof IOException || t instanceof TimeoutException) {
      return FailureKind.FAILED;
    }
    return null;
  }
}
