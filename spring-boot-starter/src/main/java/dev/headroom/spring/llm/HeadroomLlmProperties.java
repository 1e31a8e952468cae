package dev.headroom.spring.llm;

import dev.headroom.spring.PoolProperties;
import dev.headroom.spring.RouterProperties;
import dev.headroom.spring.discovery.DiscoveryProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code headroom.llm.*}: an {@link dev.headroom.llm.LlmRouter} over a fleet of Ollama nodes, an optional second
 * Ollama pool and an optional OpenAI-compatible cloud as overflow tiers. Every default is the one
 * {@link dev.headroom.llm.LlmRouter.Builder} uses.
 *
 * <pre>
 * headroom:
 *   llm:
 *     nodes:
 *       - {id: gpu-1, uri: "http://10.0.0.5:11434", num-parallel: 4}
 *       - {id: gpu-2, uri: "http://10.0.0.6:11434", num-parallel: 4}
 *     local-wait-budget: 800ms
 *     cloud:
 *       uri: https://api.openai.com
 *       api-key: ${OPENAI_API_KEY}
 *       models: [{local: "llama3.2", cloud: gpt-4o-mini}]
 *       prices: [{model: gpt-4o-mini, input-per-million: 0.15, output-per-million: 0.60}]
 *       spend-limit: {max-requests-per-minute: 600, max-cost-per-minute: 0.50}
 * </pre>
 *
 * <p>The router's node pools ({@code <name>-local}, {@code <name>-remote}, {@code <name>-cloud}) are core pools:
 * they show in the {@code headroom} health component and drain when the context stops. The API key never appears
 * in {@link #toString()}, logs or errors.
 *
 * @param enabled whether the router is created when {@code headroom.llm} is configured
 * @param name the router name: the router metric tag and the prefix of its pools' names
 * @param nodes the local Ollama pool (at least one node)
 * @param remoteNodes a second Ollama pool, tried after the local one and before the cloud
 * @param cloud the OpenAI-compatible cloud that takes the overflow; none when not set
 * @param localWaitBudget the longest predicted wait for a local slot before a request overflows to the next tier
 * @param remoteWaitBudget the longest predicted wait for a slot in the second pool
 * @param cloudWaitBudget the longest wait for one of the cloud's concurrency slots
 * @param firstTokenTimeout a stream with no first token by then is retried elsewhere (covers a cold load)
 * @param idleTimeout a stream with no chunk for this long after its first fails
 * @param requestTimeout the most one request may take, all tiers and retries included
 * @param connectTimeout TCP connect timeout of the HTTP client
 * @param pollInterval how often each node's /api/tags and /api/ps are read
 * @param pollTimeout timeout of one poll or probe
 * @param healthCheckInterval how often /api/version probes each node (0: no active probes)
 * @param aliases names that requests may use for a model, e.g. {alias: chat, model: "llama3.2:3b"}
 * @param responseCache an in-process cache of answers to deterministic requests (a ResponseCache bean wins)
 * @param maxBodyBytes the most bytes of a non-streamed reply body
 * @param maxLineBytes the most bytes of one line of a streamed reply
 * @param expectedTokens the answer length used to compare nodes' speed
 * @param loadedPreference the cost factor of a node that has the model in memory, in (0, 1]
 * @param defaultColdLoad the cold-load time assumed before one is measured
 * @param keepAlive how long a model stays loaded after a reply (Ollama's keep_alive)
 * @param maxAttempts the most calls per request, first try included
 * @param maxWaiters the most requests waiting for a slot per pool
 * @param discoverOnBuild whether startup reads the fleet's models before the router is used
 * @param retryBudget the retry budget shared by all requests
 * @param outlierDetection passive ejection of failing nodes
 * @param strictNodeCaps whether each node's num-parallel is a hard cap across every replica of the service, a global
 *     permit per request from the fleet coordinator (headroom.fleet; without it the shared load view keeps the sum
 *     near num-parallel)
 * @param discovery members found at run time (DNS, Kubernetes, Spring Cloud), added to the configured ones; with
 *     a source the configured list may be empty
 * @param slowStart the window over which a member added at run time ramps up to its full share (none when unset)
 * @param vram GPU memory management of the nodes (off when unset): VRAM use per node, no cold loads above the
 *     warning level, the least recently used idle model unloaded at the critical level
 * @param providers OpenAI-compatible APIs by name, for the deployments of model groups
 * @param modelGroups logical models by the name requests use, each served by its deployments in order
 */
@ConfigurationProperties("headroom.llm")
public record HeadroomLlmProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("llm") String name,
    List<Node> nodes,
    List<Node> remoteNodes,
    Cloud cloud,
    @DefaultValue("2s") Duration localWaitBudget,
    @DefaultValue("1s") Duration remoteWaitBudget,
    @DefaultValue("1s") Duration cloudWaitBudget,
    @DefaultValue("60s") Duration firstTokenTimeout,
    @DefaultValue("30s") Duration idleTimeout,
    @DefaultValue("5m") Duration requestTimeout,
    @DefaultValue("2s") Duration connectTimeout,
    @DefaultValue("10s") Duration pollInterval,
    @DefaultValue("2s") Duration pollTimeout,
    @DefaultValue("10s") Duration healthCheckInterval,
    List<Alias> aliases,
    @DefaultValue ResponseCache responseCache,
    @DefaultValue("16MB") DataSize maxBodyBytes,
    @DefaultValue("1MB") DataSize maxLineBytes,
    @DefaultValue("256") int expectedTokens,
    @DefaultValue("0.5") double loadedPreference,
    @DefaultValue("5s") Duration defaultColdLoad,
    @DefaultValue("5m") Duration keepAlive,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("512") int maxWaiters,
    @DefaultValue("true") boolean discoverOnBuild,
    @DefaultValue RouterProperties.RetryBudget retryBudget,
    @DefaultValue PoolProperties.OutlierDetection outlierDetection,
    @DefaultValue("false") boolean strictNodeCaps,
    @DefaultValue DiscoveryProperties discovery,
    Duration slowStart,
    Vram vram,
    Map<String, Provider> providers,
    Map<String, ModelGroup> modelGroups) {

  /**
   * {@code headroom.llm.vram.*}: the nodes' VRAM capacities and the levels that act on them.
   *
   * @param capacity every node's VRAM capacity (e.g. 24GB) unless it has its own
   * @param capacities capacities by node id
   * @param warningLevel the share in use at which cold loads avoid the node; default 0.8
   * @param criticalLevel the share in use at which the least recently used idle model is unloaded; default 0.95
   * @param unload whether the critical level unloads models (else it is only reported); default true
   */
  public record Vram(DataSize capacity, Map<String, DataSize> capacities, @DefaultValue("0.8") double warningLevel,
      @DefaultValue("0.95") double criticalLevel, @DefaultValue("true") boolean unload) {

    /** Copies the capacities; absent ones become empty. */
    public Vram {
      capacities = capacities == null ? Map.of() : Map.copyOf(capacities);
    }
  }

  /** Copies the lists; absent ones become empty. */
  public HeadroomLlmProperties {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    remoteNodes = remoteNodes == null ? List.of() : List.copyOf(remoteNodes);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    providers = providers == null ? Map.of() : Map.copyOf(providers);
    modelGroups = modelGroups == null ? Map.of() : new java.util.LinkedHashMap<>(modelGroups);
  }

  /**
   * An OpenAI-compatible API for model groups' deployments: {@code headroom.llm.providers.<name>.*}.
   *
   * @param uri the API's base URI, without /v1, e.g. https://api.openai.com
   * @param apiKey the key; never logged, shown or put in an error
   * @param apiKeyHeader the header the key goes in: Authorization (as a bearer token), or another such as Azure
   *     OpenAI's api-key (the bare key)
   */
  public record Provider(URI uri, String apiKey, @DefaultValue("Authorization") String apiKeyHeader) {

    /** Everything but the API key, which shows only as whether it is set. */
    @Override
    public String toString() {
      return "Provider[uri=" + uri + ", apiKey=" + (apiKey == null ? "none" : "[redacted]") + ", apiKeyHeader="
          + apiKeyHeader + "]";
    }
  }

  /**
   * A logical model: {@code headroom.llm.model-groups.<name>.*}; requests that name it go to its deployments in order.
   *
   * @param deployments where the model runs, in the order they are tried
   * @param spendLimit how much the group may spend per sliding minute over its priced deployments
   * @param assumedAnswerTokens the answer length assumed for estimates when a request sets no max tokens
   */
  public record ModelGroup(List<Deployment> deployments, @DefaultValue CloudSpendLimit spendLimit,
      @DefaultValue("512") int assumedAnswerTokens) {

    /** Copies the list; an absent one becomes empty. */
    public ModelGroup {
      deployments = deployments == null ? List.of() : List.copyOf(deployments);
    }
  }

  /**
   * One deployment of a model group: {@code headroom.llm.model-groups.<name>.deployments[i].*}.
   *
   * @param provider the provider's name under headroom.llm.providers; unset: the Ollama fleet (local, then remote
   *     nodes), which takes only a context window
   * @param model the model name sent
   * @param id the tier and endpoint id; default provider/model
   * @param maxConcurrency the most requests in flight at once
   * @param requestsPerMinute requests allowed per minute, paced; no limit when not set
   * @param tokensPerMinute estimated prompt and answer tokens allowed per minute, paced; no limit when not set
   * @param contextWindow the model's context window in tokens; 0: every prompt fits
   * @param inputPerMillion dollars per million prompt tokens; free when neither price is set
   * @param outputPerMillion dollars per million completion tokens
   * @param cooldownFailures failed calls in a row that put the deployment in cooldown
   * @param cooldown the first cooldown, doubling while it keeps failing
   */
  public record Deployment(String provider, String model, String id, @DefaultValue("64") int maxConcurrency,
      Long requestsPerMinute, Long tokensPerMinute, @DefaultValue("0") int contextWindow, Double inputPerMillion,
      Double outputPerMillion, @DefaultValue("3") int cooldownFailures, @DefaultValue("30s") Duration cooldown) {}

  /**
   * One Ollama server: {@code headroom.llm.nodes[i].*} (or {@code remote-nodes[i]}).
   *
   * @param id unique across the router's pools (and not cloud); the endpoint metric tag
   * @param uri its base URI, e.g. http://10.0.0.5:11434
   * @param numParallel the server's OLLAMA_NUM_PARALLEL: the most requests sent to it at once
   * @param weight relative speed, > 0 (measured speed refines it)
   * @param maxLoadedModels the server's OLLAMA_MAX_LOADED_MODELS (0: not given); placement then prices the eviction
   *     a cold load there would cause
   */
  public record Node(String id, URI uri, @DefaultValue("1") int numParallel, @DefaultValue("1.0") double weight,
      @DefaultValue("0") int maxLoadedModels) {}

  /**
   * A model name that requests may use: {@code headroom.llm.aliases[i].*}.
   *
   * @param alias the name requests use, e.g. chat
   * @param model the model it means, e.g. llama3.2:3b
   */
  public record Alias(String alias, String model) {}

  /**
   * The in-process response cache: {@code headroom.llm.response-cache.*}. Only deterministic requests
   * (temperature 0 or a fixed seed) use it.
   *
   * @param maxEntries the most answers kept; no in-process cache when not set
   * @param ttl how long a cached answer lives
   */
  public record ResponseCache(Long maxEntries, @DefaultValue("1h") Duration ttl) {}

  /**
   * The OpenAI-compatible cloud overflow: {@code headroom.llm.cloud.*}.
   *
   * @param uri the API's base URI, without /v1, e.g. https://api.openai.com
   * @param apiKey sent as Authorization: Bearer; never logged, shown or put in an error
   * @param maxConcurrency the most requests in flight to the cloud at once
   * @param models which cloud model serves each local model on overflow
   * @param prices what each cloud model costs, for the spend limit
   * @param spendLimit how much overflow is allowed per sliding minute
   * @param assumedAnswerTokens the answer length assumed for cost estimates when a request sets no max tokens
   */
  public record Cloud(
      URI uri,
      String apiKey,
      @DefaultValue("64") int maxConcurrency,
      List<ModelMapping> models,
      List<Price> prices,
      @DefaultValue CloudSpendLimit spendLimit,
      @DefaultValue("512") int assumedAnswerTokens) {

    /** Copies the lists; absent ones become empty. */
    public Cloud {
      models = models == null ? List.of() : List.copyOf(models);
      prices = prices == null ? List.of() : List.copyOf(prices);
    }

    /** Everything but the API key, which shows only as whether it is set. */
    @Override
    public String toString() {
      return "Cloud[uri=" + uri + ", apiKey=" + (apiKey == null ? "none" : "[redacted]") + ", maxConcurrency="
          + maxConcurrency + ", models=" + models + ", prices=" + prices + ", spendLimit=" + spendLimit
          + ", assumedAnswerTokens=" + assumedAnswerTokens + "]";
    }
  }

  /**
   * A local model and the cloud model that stands in for it: {@code headroom.llm.cloud.models[i].*}.
   *
   * @param local the local model name (or alias), e.g. llama3.2
   * @param cloud the cloud model, e.g. gpt-4o-mini
   */
  public record ModelMapping(String local, String cloud) {}

  /**
   * The price of a cloud model in US dollars per million tokens: {@code headroom.llm.cloud.prices[i].*}.
   *
   * @param model the cloud model
   * @param inputPerMillion dollars per million prompt tokens
   * @param outputPerMillion dollars per million completion tokens
   */
  public record Price(String model, double inputPerMillion, double outputPerMillion) {}

  /**
   * The cloud spend limit per sliding minute: {@code headroom.llm.cloud.spend-limit.*}. Past it, overflow fails
   * with a SpendLimitExceededException.
   *
   * @param maxRequestsPerMinute the most cloud requests per minute; no limit when not set
   * @param maxCostPerMinute the most estimated dollars per minute (every mapped cloud model then needs a price); no
   *     limit when not set
   */
  public record CloudSpendLimit(Integer maxRequestsPerMinute, Double maxCostPerMinute) {}
}
