package dev.headroom.core;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * An active health check of one endpoint: completes with {@code true} when it is healthy. A probe that completes
 * exceptionally, with {@code false}, or not within {@link HealthCheck#timeout()} counts as a failed probe.
 */
@FunctionalInterface
public interface HealthProbe {

  /** Starts a probe of {@code endpoint}; must not block the calling thread. */
  CompletionStage<Boolean> check(Endpoint endpoint);

  /** A blocking check run on {@code executor}. */
  static HealthProbe blocking(Predicate<Endpoint> check, Executor executor) {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(executor, "executor");
    return endpoint -> CompletableFuture.supplyAsync(() -> check.test(endpoint), executor);
  }

  /**
   * An HTTP GET of {@code path} resolved against the endpoint's URI with the JDK client: healthy on any 2xx.
   *
   * @param client the client to use (share one per application)
   * @param path for example {@code /api/version} for Ollama, {@code /json/version} for Chromium
   */
  static HealthProbe httpGet(HttpClient client, String path, Duration requestTimeout) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    return endpoint -> {
      URI target = endpoint.uri().resolve(path);
      HttpRequest request = HttpRequest.newBuilder(target).timeout(requestTimeout).GET().build();
      return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .thenApply(response -> response.statusCode() / 100 == 2);
    };
  }
}
