package dev.headroom.bench.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The routers Headroom is compared with, written the way seed 000's service does it: a background health check of
 * each node ({@code GET /api/version} every 5 s), then per request either the <em>first healthy</em> node in
 * configuration order or the next healthy node in <em>round robin</em>; the cloud only when no node is healthy; no
 * retries, no queueing of its own. Streams with a plain JDK client.
 */
final class Baseline implements AutoCloseable {
  enum Policy { FIRST_HEALTHY, ROUND_ROBIN }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Policy policy;
  private final List<URI> nodes;
  private final URI cloud;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicReferenceArray<Boolean> healthy;
  private final AtomicInteger next = new AtomicInteger();
  private final ScheduledExecutorService probes;

  Baseline(Policy policy, List<URI> nodes, URI cloud, ScheduledExecutorService probes) {
    this.policy = policy;
    this.nodes = nodes;
    this.cloud = cloud;
    this.probes = probes;
    this.healthy = new AtomicReferenceArray<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      healthy.set(i, true);
      int index = i;
      probes.scheduleWithFixedDelay(() -> probe(index), 0, 5, TimeUnit.SECONDS);
    }
  }

  private void probe(int index) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(nodes.get(index).resolve("/api/version"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      healthy.set(index, r.statusCode() == 200);
    } catch (Exception e) {
      healthy.set(index, false);
    }
  }

  /** Streams one answer; calls {@code firstToken} at the first token; returns whether the cloud served it. */
  boolean stream(String prompt, Runnable firstToken) throws Exception {
    int chosen = choose();
    if (chosen < 0) {
      return streamCloud(prompt, firstToken);
    }
    String body = "{\"model\":\"" + Scenario.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":"
        + JSON.writeValueAsString(prompt) + "}],\"stream\":true}";
    HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(nodes.get(chosen).resolve("/api/chat"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("status " + r.statusCode() + ": " + lines.readLine());
      }
      boolean first = true;
      String line;
      while ((line = lines.readLine()) != null) {
        JsonNode node = JSON.readTree(line);
        if (node.has("error")) {
          throw new IllegalStateException(node.path("error").asText());
        }
        if (first && !node.path("message").path("content").asText("").isEmpty()) {
          first = false;
          firstToken.run();
        }
        if (node.path("done").asBoolean()) {
          return false;
        }
      }
      throw new IllegalStateException("stream ended early");
    }
  }

  private boolean streamCloud(String prompt, Runnable firstToken) throws Exception {
    String body = "{\"model\":\"" + Scenario.CLOUD_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":"
        + JSON.writeValueAsString(prompt) + "}],\"stream\":true}";
    HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(cloud.resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      boolean first = true;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.equals("data: [DONE]")) {
          return true;
        }
        if (first && line.startsWith("data: ")
            && !JSON.readTree(line.substring(6)).path("choices").path(0).path("delta").path("content")
            .asText("").isEmpty()) {
          first = false;
          firstToken.run();
        }
      }
      throw new IllegalStateException("stream ended early");
    }
  }

  private int choose() {
    int n = nodes.size();
    if (policy == Policy.FIRST_HEALTHY) {
      for (int i = 0; i < n; i++) {
        if (healthy.get(i)) {
          return i;
        }
      }
      return -1;
    }
    for (int k = 0; k < n; k++) {
      int i = Math.floorMod(next.getAndIncrement(), n);
      if (healthy.get(i)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    probes.shutdownNow();
  }
}
