package dev.headroom.llm;

import dev.headroom.core.Health;
import java.time.Duration;
import java.util.Set;

/**
 * A point-in-time view of one endpoint of the router, for dashboards and the demo.
 *
 * @param id the endpoint id
 * @param tier {@code local}, {@code remote} or {@code cloud}
 * @param inFlight requests in flight now
 * @param limit the concurrency limit ({@code OLLAMA_NUM_PARALLEL} for a node)
 * @param health its health now
 * @param modelsOnDisk models it has, from {@code /api/tags} (empty for the cloud)
 * @param modelsLoaded models in memory, from {@code /api/ps} and recent replies (empty for the cloud)
 * @param timeToFirstToken the measured average time to first token without loading; zero before the first reply
 * @param tokensPerSecond the measured average generation rate; 0 before the first reply
 * @param draining whether it is draining: it gets no new requests, the ones in flight finish (see
 *     {@link LlmRouter#drainNode(String)} and {@link LlmRouter#removeNode(String)})
 * @param warming whether it joined the running router and its slow start ({@link LlmRouter.Builder#slowStart}) has
 *     not brought it to its full share yet
 * @param vramUsage the share of its VRAM capacity in use at its last poll ({@link VramPolicy}); NaN when unknown
 *     (no capacity configured, not polled yet, or the cloud)
 */
public record NodeStatus(String id, String tier, int inFlight, int limit, Health health, Set<String> modelsOnDisk,
    Set<String> modelsLoaded, Duration timeToFirstToken, double tokensPerSecond, boolean draining,
    boolean warming, double vramUsage) {
  /** Copies the sets. */
  public NodeStatus {
    modelsOnDisk = Set.copyOf(modelsOnDisk);
    modelsLoaded = Set.copyOf(modelsLoaded);
  }
}
