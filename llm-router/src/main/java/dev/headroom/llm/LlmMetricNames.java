package dev.headroom.llm;

/**
 * Names of the LLM router's own Micrometer meters, next to core's {@code headroom.requests},
 * {@code headroom.spillover} and the rest (for dashboards and tests that look meters up).
 */
public final class LlmMetricNames {
  /** Timer of time to first token: tags tier, endpoint. */
  public static final String TTFT = "headroom.llm.ttft";
  /** Distribution of generation rates in tokens per second: tags tier, endpoint. */
  public static final String TOKEN_RATE = "headroom.llm.token.rate";
  /** Counter of cold model loads seen in replies (load_duration above 100 ms): tags endpoint, model. */
  public static final String COLD_LOADS = "headroom.llm.cold.loads";
  /** Counter of response-cache lookups: tag result (hit, miss). */
  public static final String CACHE = "headroom.llm.cache";
  /** Counter of estimated cloud spend in dollars. */
  public static final String CLOUD_SPEND = "headroom.llm.cloud.spend";
  /** Counter of cloud requests refused by the spend limit: tag kind (requests, cost). */
  public static final String CLOUD_REFUSED = "headroom.llm.cloud.refused";
  /** Counter of streams that failed after their first chunk: tags tier, endpoint. */
  public static final String STREAMS_INTERRUPTED = "headroom.llm.stream.interrupted";

  /**
   * Counter of LLM requests by the model asked for (after aliases, normalized: {@code llama3.2:latest}): tags model,
   * tier (local, remote, cloud, cache; none when nothing answered), outcome (success, failure, timeout,
   * no_capacity, cancelled).
   */
  public static final String REQUESTS = "headroom.llm.requests";
  /** Timer (histogram) of successful LLM requests, whole answer or whole stream: tags model, tier. */
  public static final String LATENCY = "headroom.llm.latency";
  /** Gauge of the models in memory on a node, from its last {@code /api/ps}: tag endpoint. */
  public static final String MODELS_LOADED = "headroom.llm.models.loaded";
  /** Gauge of the share of a node's VRAM capacity in use ({@link VramPolicy}): tag endpoint. */
  public static final String VRAM_USAGE = "headroom.llm.vram.usage";
  /** Gauge of the VRAM in bytes used by a node's loaded models ({@code size_vram} in {@code /api/ps}): tag endpoint. */
  public static final String VRAM_USED = "headroom.llm.vram.used";
  /** Gauge of a node's configured VRAM capacity in bytes: tag endpoint. */
  public static final String VRAM_CAPACITY = "headroom.llm.vram.capacity";
  /** Counter of models unloaded at a node's critical VRAM level: tags endpoint, model. */
  public static final String VRAM_UNLOADS = "headroom.llm.vram.unloads";

  private LlmMetricNames() {}
}
