package dev.headroom.llm;

import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.SlowStart;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.route.RetryBudget;
import dev.headroom.core.route.Router;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Least-loaded, model-aware routing over a fleet of Ollama servers, with a second pool and an OpenAI-compatible
 * cloud as overflow tiers, on core's {@link Router}.
 *
 * <pre>{@code
 * LlmRouter llm = LlmRouter.builder()
 *     .node(OllamaNode.of("gpu-1", "http://10.0.0.5:11434", 4))   // 4 = its OLLAMA_NUM_PARALLEL
 *     .node(OllamaNode.of("gpu-2", "http://10.0.0.6:11434", 4))
 *     .cloud(CloudConfig.builder(URI.create("https://api.openai.com")).apiKey(key)
 *         .model("llama3.2", "gpt-4o-mini").spendLimit(SpendLimit.requestsPerMinute(600)).build())
 *     .localWaitBudget(Duration.ofMillis(800))
 *     .build();
 * ChatResponse answer = llm.chat(ChatRequest.chat("llama3.2").user("Why is the sky blue?").build());
 * llm.stream(request).forEach(chunk -> System.out.print(chunk.text()));
 * }</pre>
 *
 * <p>What it does for each request:
 * <ul>
 *   <li>Only nodes whose {@code /api/tags} list the model are eligible; nodes with the model in memory (from
 *       {@code /api/ps}, polled in the background, and from replies) are preferred; a node that would load it pays
 *       the cold-load time measured from {@code load_duration}.
 *   <li>Each node gets at most its {@code OLLAMA_NUM_PARALLEL} requests; the rest wait client-side in a bounded
 *       FIFO, and overflow to the next tier when the <em>predicted</em> wait exceeds the budget (the router's, or
 *       the request's {@link ChatRequest#maxQueueWait()}).
 *   <li>Nodes are compared on time to first token and tokens per second, measured separately, so a long answer is
 *       not mistaken for a slow node.
 *   <li>Ollama's 503 "server busy" is backpressure: re-routed at once, never counted against the node. Failures
 *       (resets, 5xx, in-band errors, garbage) are retried elsewhere within a retry budget, and eject bad nodes.
 *   <li>The cloud takes overflow within a {@link SpendLimit}; past it, a {@link SpendLimitExceededException}.
 *   <li>Deterministic requests may be answered from a {@link ResponseCache}.
 * </ul>
 * Nodes can be added, drained and removed while requests flow ({@link #addNode}, {@link #drainNode},
 * {@link #removeNode}, or a discovery source through {@link #membership}).
 * Thread-safe. Close it to stop the background polls and probes.
 */
public final class LlmRouter implements AutoCloseable {
  /** The tier of the local Ollama pool. */
  public static final String LOCAL = "local";
  /** The tier of the optional second Ollama pool. */
  public static final String REMOTE = "remote";
  /** The tier of the cloud. */
  public static final String CLOUD = "cloud";
  /** The tier (and endpoint) reported for answers from the response cache. */
  public static final String CACHE = "cache";

  private final LlmRouterParts parts;

  private LlmRouter(LlmRouterSettings settings) {
    this.parts = new LlmRouterParts(settings);
  }

  /** A builder with the defaults listed on each setting. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The whole answer to {@code request}, from the best node that has the model, or from an overflow tier.
   *
   * @throws dev.headroom.core.RequestTimeoutException when the request's timeout passed (waiting, connecting, or
   *     reading the answer, however slowly the node sent it)
   * @throws dev.headroom.core.NoCapacityException when no tier could serve (each tier and why it was passed)
   * @throws ModelNotFoundException when no node has the model and no cloud model is mapped for it (naming what the
   *     nodes have), or the node replied 404 for it
   * @throws SpendLimitExceededException when only the cloud could serve and the spend limit refused it
   * @throws dev.headroom.core.BackendException when a node rejected the request (4xx), or failed or sent a bad
   *     reply (several JSON values, an HTML page, a body cut short) in a way that is not retried for this request
   */
  public ChatResponse chat(ChatRequest request) {
    return parts.requests.chat(Objects.requireNonNull(request, "request"));
  }

  /** The answer to {@code request} as a stream; nothing is sent until it is subscribed. See {@link ChatStream}. */
  public ChatStream stream(ChatRequest request) {
    return new ChatStream(parts.requests, Objects.requireNonNull(request, "request"), parts.workers);
  }

  /** Embeddings of the request's texts ({@code /api/embed}, or the cloud's {@code /v1/embeddings} on overflow). */
  public EmbedResponse embed(EmbedRequest request) {
    return parts.requests.embed(Objects.requireNonNull(request, "request"));
  }

  /** Reads every node's {@code /api/tags} and {@code /api/ps} now, waiting at most {@code wait}. */
  public void refreshFleet(Duration wait) {
    parts.refreshFleet(Objects.requireNonNull(wait, "wait"));
  }

  // ---------------------------------------------------------------- membership

  /**
   * Adds an Ollama node to the local pool while requests flow. Its {@code /api/tags} and {@code /api/ps} are read
   * at once (and then every poll interval, like the others'); it gets requests for a model once its tags list it.
   *
   * @return completes when its models have been read once (successfully or not)
   * @throws dev.headroom.core.ConfigException when a node of either pool already has its id, or the id is
   *     {@code cloud}
   */
  public CompletableFuture<Void> addNode(OllamaNode node) {
    return parts.members.add(node);
  }

  /**
   * Drains a node of the local or the second pool: it gets no new requests, the ones in flight finish. It stays a
   * member (shown as draining in {@link #fleet()}) until {@link #removeNode} or {@link #resumeNode}.
   *
   * @return completes when its last request has finished; at once for an unknown id
   */
  public CompletableFuture<Void> drainNode(String id) {
    return parts.members.drain(id);
  }

  /**
   * Makes a draining node eligible again.
   *
   * @throws IllegalArgumentException for an unknown id
   * @throws IllegalStateException when the node is being removed
   */
  public void resumeNode(String id) {
    parts.members.resume(id);
  }

  /**
   * Removes a node gracefully: it gets no new requests from now on; when the ones in flight have finished, or after
   * the {@linkplain Builder#drainTimeout drain timeout}, whatever is still in flight on it is cut (and retried
   * elsewhere when it may be) and the router forgets it (its polls, models and statistics).
   *
   * @return completes when the node is gone; at once for an unknown id
   */
  public CompletableFuture<Void> removeNode(String id) {
    return parts.members.remove(id, parts.members.drainTimeout());
  }

  /** {@link #removeNode(String)} waiting at most {@code drainTimeout} (zero: cut at once) for its requests. */
  public CompletableFuture<Void> removeNode(String id, Duration drainTimeout) {
    return parts.members.remove(id, drainTimeout);
  }

  /**
   * The local pool as a {@link MembershipTarget}, so that a {@code MembershipSync} can follow a
   * {@link dev.headroom.core.discovery.DiscoverySource} (DNS, Kubernetes, ...). A discovered member becomes the node
   * {@code toNode} makes of it, which must keep the member's id:
   *
   * <pre>{@code
   * MembershipTarget target = llm.membership(m -> OllamaNode.of(m.id(), m.uri(), 4));
   * }</pre>
   *
   * Its {@code remove} removes at once: the sync calls it after the drain it waited for. Only the local pool's
   * nodes are its members.
   */
  public MembershipTarget membership(Function<DiscoveredMember, OllamaNode> toNode) {
    return parts.members.target(toNode);
  }

  /** The state of every endpoint of every tier. */
  public List<NodeStatus> fleet() {
    return parts.fleet();
  }

  /** The local Ollama pool. */
  public Pool localPool() {
    return parts.tiers.local;
  }

  /** The second Ollama pool, if configured. */
  public Optional<Pool> remotePool() {
    return Optional.ofNullable(parts.tiers.remote);
  }

  /** The cloud pool, if configured. */
  public Optional<Pool> cloudPool() {
    return Optional.ofNullable(parts.tiers.cloud);
  }

  /**
   * Every pool of the router: the local one, the second one and the cloud's when configured, and one per provider
   * deployment of its model groups (named {@code <router>-<deployment id>}, its {@code /} written {@code -}).
   */
  public List<Pool> pools() {
    return parts.tiers.pools();
  }

  /** Cloud requests counted against the spend limit in the last minute. */
  public int cloudRequestsLastMinute() {
    return parts.guard.requestsLastMinute();
  }

  /** Estimated cloud dollars counted against the spend limit in the last minute. */
  public double cloudCostLastMinute() {
    return parts.guard.costLastMinute();
  }

  /**
   * Stops background polls and probes, fails queued requests, and aborts every exchange in progress: a caller
   * blocked reading an answer or a stream gets "the LLM router is closed" at once.
   */
  @Override
  public void close() {
    parts.close();
  }

  @Override
  public String toString() {
    return "LlmRouter{" + parts + '}';
  }

  /** Builds an {@link LlmRouter}; {@link #build()} validates every setting. */
  public static final class Builder {
    String name = "llm";
    final List<OllamaNode> nodes = new ArrayList<>();
    final List<OllamaNode> remoteNodes = new ArrayList<>();
    CloudConfig cloud;
    Duration localWaitBudget = Duration.ofSeconds(2);
    Duration remoteWaitBudget = Duration.ofSeconds(1);
    Duration cloudWaitBudget = Duration.ofSeconds(1);
    Duration firstTokenTimeout = Duration.ofSeconds(60);
    Duration idleTimeout = Duration.ofSeconds(30);
    Duration requestTimeout = Duration.ofMinutes(5);
    Duration connectTimeout = Duration.ofSeconds(2);
    Duration pollInterval = Duration.ofSeconds(10);
    Duration pollTimeout = Duration.ofSeconds(2);
    Duration healthCheckInterval = Duration.ofSeconds(10);
    final Map<String, String> aliases = new LinkedHashMap<>();
    ResponseCache responseCache;
    Duration cacheTtl = Duration.ofHours(1);
    long maxBodyBytes = 16L * 1024 * 1024;
    int maxLineBytes = 1024 * 1024;
    int expectedTokens = 256;
    double loadedPreference = 0.5;
    Duration defaultColdLoad = Duration.ofSeconds(5);
    Duration keepAlive = Duration.ofMinutes(5);
    int maxAttempts = 3;
    int maxWaiters = 512;
    RetryBudget retryBudget;
    OutlierDetection outlierDetection = OutlierDetection.defaults();
    MeterRegistry meterRegistry;
    ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
    Ticker ticker = Ticker.system();
    Scheduler scheduler = Scheduler.system();
    RandomSource random = RandomSource.threadLocal();
    HttpClient httpClient;
    boolean discoverOnBuild = true;
    FleetCoordinator coordinator = FleetCoordinator.local();
    boolean strictNodeCaps;
    Duration drainTimeout = Duration.ofSeconds(60);
    SlowStart slowStart;
    VramPolicy vram;
    ConversationAffinity affinity;
    final List<ModelGroup> modelGroups = new ArrayList<>();
    boolean startEmpty;

    private Builder() {}

    /** The router name, a metric tag; default {@code llm}. */
    public Builder name(String value) {
      this.name = Objects.requireNonNull(value, "name");
      return this;
    }

    /**
     * Lets the router start without local nodes: they come at run time ({@link LlmRouter#addNode}, a
     * {@link dev.headroom.core.discovery.MembershipSync} over {@link LlmRouter#membership}). Until the first one
     * arrives, requests go to the remote and cloud tiers, or fail as having no capacity. Without it, at least one
     * {@link #node} is required.
     */
    public Builder startEmpty() {
      this.startEmpty = true;
      return this;
    }

    /** Adds a node to the local pool (at least one is required unless {@link #startEmpty()}). */
    public Builder node(OllamaNode value) {
      nodes.add(Objects.requireNonNull(value, "node"));
      return this;
    }

    /**
     * Manages the nodes' GPU memory ({@link VramPolicy}): VRAM use per node from {@code /api/ps} at every fleet
     * poll, no cold loads on a node above the warning level while another can take the request, and the least
     * recently used idle model unloaded at the critical level. Off by default.
     */
    public Builder vram(VramPolicy value) {
      this.vram = Objects.requireNonNull(value, "vram");
      return this;
    }

    /**
     * Sends the turns of a conversation back to the node that served it last, where its prompt is cached, while that
     * node's load stays within the bound ({@link ConversationAffinity}). Off by default: every request is placed by
     * least-loaded picking alone.
     */
    public Builder conversationAffinity(ConversationAffinity value) {
      this.affinity = Objects.requireNonNull(value, "affinity");
      return this;
    }

    /**
     * Adds a {@link ModelGroup}: a request for its name goes to its deployments in their order (the Ollama fleet,
     * providers' deployments with their own concurrency, paced limits, cooldowns and context windows), within the
     * group's spend limit. The router's own cloud tier is not among a group's. With a {@link #coordinator}, the
     * deployments' limits and the group's spend limit hold for every replica together.
     */
    public Builder modelGroup(ModelGroup value) {
      modelGroups.add(Objects.requireNonNull(value, "modelGroup"));
      return this;
    }

    /** Adds a node to the second pool, tried after the local pool and before the cloud. */
    public Builder remoteNode(OllamaNode value) {
      remoteNodes.add(Objects.requireNonNull(value, "remoteNode"));
      return this;
    }

    /** The cloud overflow tier; none by default. */
    public Builder cloud(CloudConfig value) {
      this.cloud = Objects.requireNonNull(value, "cloud");
      return this;
    }

    /** The longest predicted wait for a local slot before overflowing to the next tier; default 2 s. */
    public Builder localWaitBudget(Duration value) {
      this.localWaitBudget = value;
      return this;
    }

    /** The longest predicted wait for a slot in the second pool; default 1 s. */
    public Builder remoteWaitBudget(Duration value) {
      this.remoteWaitBudget = value;
      return this;
    }

    /** The longest wait for one of the cloud's concurrency slots; default 1 s. */
    public Builder cloudWaitBudget(Duration value) {
      this.cloudWaitBudget = value;
      return this;
    }

    /**
     * A stream with no first token by then is retried elsewhere (within the request timeout, which bounds it);
     * default 60 s (covers a cold load).
     */
    public Builder firstTokenTimeout(Duration value) {
      this.firstTokenTimeout = value;
      return this;
    }

    /** A stream with no chunk for this long after its first fails (within the request timeout); default 30 s. */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = value;
      return this;
    }

    /**
     * The most one request may take, all tiers and retries included, reading the whole answer or stream too;
     * default 5 min. {@link ChatRequest#timeout()} overrides it per request.
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /** TCP connect timeout of the default HTTP client; default 2 s. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    /** How often {@code /api/tags} and {@code /api/ps} are read; default 10 s. */
    public Builder pollInterval(Duration value) {
      this.pollInterval = value;
      return this;
    }

    /** Timeout of one poll or probe; default 2 s. */
    public Builder pollTimeout(Duration value) {
      this.pollTimeout = value;
      return this;
    }

    /** How often {@code /api/version} probes each node; default 10 s. */
    public Builder healthCheckInterval(Duration value) {
      this.healthCheckInterval = Objects.requireNonNull(value, "healthCheckInterval");
      return this;
    }

    /** Turns the active probes off (passive ejection still works). */
    public Builder noHealthCheck() {
      this.healthCheckInterval = null;
      return this;
    }

    /** Makes {@code alias} mean {@code model} in requests, e.g. {@code chat -> llama3.2:3b}. */
    public Builder alias(String alias, String model) {
      aliases.put(Objects.requireNonNull(alias, "alias"), Objects.requireNonNull(model, "model"));
      return this;
    }

    /** A cache for deterministic requests; none by default. */
    public Builder responseCache(ResponseCache value) {
      this.responseCache = Objects.requireNonNull(value, "responseCache");
      return this;
    }

    /** How long cached answers live; default 1 h. */
    public Builder cacheTtl(Duration value) {
      this.cacheTtl = value;
      return this;
    }

    /** The most bytes of a non-streamed reply body; a larger one is a bad reply; default 16 MiB. */
    public Builder maxBodyBytes(long value) {
      this.maxBodyBytes = value;
      return this;
    }

    /** The most bytes of one line of a streamed reply; default 1 MiB. */
    public Builder maxLineBytes(int value) {
      this.maxLineBytes = value;
      return this;
    }

    /** The answer length used to compare nodes' speed; default 256 tokens. */
    public Builder expectedTokens(int value) {
      this.expectedTokens = value;
      return this;
    }

    /** The cost factor of a node that has the model in memory, in (0, 1]; default 0.5. */
    public Builder loadedPreference(double value) {
      this.loadedPreference = value;
      return this;
    }

    /** The cold-load time assumed before one is measured; default 5 s. */
    public Builder defaultColdLoad(Duration value) {
      this.defaultColdLoad = value;
      return this;
    }

    /** How long a model stays loaded after a reply, Ollama's {@code keep_alive}; default 5 min. */
    public Builder keepAlive(Duration value) {
      this.keepAlive = value;
      return this;
    }

    /** The most calls per request, first try included; default 3. */
    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    /** The most requests waiting for a slot per pool; default 512. */
    public Builder maxWaiters(int value) {
      this.maxWaiters = value;
      return this;
    }

    /** The retry budget shared by all requests; default {@link RetryBudget#defaults}. */
    public Builder retryBudget(RetryBudget value) {
      this.retryBudget = Objects.requireNonNull(value, "retryBudget");
      return this;
    }

    /** Passive ejection of failing nodes; default {@link OutlierDetection#defaults()}. */
    public Builder outlierDetection(OutlierDetection value) {
      this.outlierDetection = Objects.requireNonNull(value, "outlierDetection");
      return this;
    }

    /**
     * Records a Micrometer {@code Observation} per request and per attempt of the router's tiers (see core's
     * {@code Router.Builder.observationRegistry}): which node or cloud served, after which spills. None by default.
     */
    public Builder observationRegistry(ObservationRegistry value) {
      this.observationRegistry = Objects.requireNonNull(value, "observationRegistry");
      return this;
    }

    /** Where metrics go; none by default. */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** The time source; default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Runs timeouts, probes and polls; default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Randomness of the picker; default thread-local. */
    public Builder random(RandomSource value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    /** The HTTP client; default a JDK client speaking HTTP/1.1. */
    public Builder httpClient(HttpClient value) {
      this.httpClient = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /**
     * Shares load and limits with the other replicas of the service (say a {@code RedisFleet}): each node's
     * {@code numParallel} counts what every replica sends it, and the cloud spend limit holds for all replicas
     * together. Default {@link FleetCoordinator#local()}: this process alone.
     */
    public Builder coordinator(FleetCoordinator value) {
      this.coordinator = Objects.requireNonNull(value, "coordinator");
      return this;
    }

    /**
     * Makes each node's {@code numParallel} a hard cap across replicas, held with the coordinator's global permits
     * (one round trip per request); off by default, when the shared view keeps the sum near it.
     */
    public Builder strictNodeCaps(boolean value) {
      this.strictNodeCaps = value;
      return this;
    }

    /**
     * Slow start for nodes added at run time ({@link LlmRouter#addNode}, a discovery source): a new node's share of
     * the requests for a model ramps up over {@code window} once its first probe passes. Only a node that has the
     * model loaded is ramped: one that would have to load it already pays the measured cold load in its cost, and
     * ramping it too would count its warm-up twice. Off by default.
     */
    public Builder slowStart(Duration window) {
      return slowStart(SlowStart.of(window));
    }

    /** Slow start with a given ramp; see {@link #slowStart(Duration)}. */
    public Builder slowStart(SlowStart value) {
      this.slowStart = Objects.requireNonNull(value, "slowStart");
      return this;
    }

    /**
     * How long {@link LlmRouter#removeNode(String)} waits for a node's requests in flight before it cuts them;
     * default 60 s.
     */
    public Builder drainTimeout(Duration value) {
      this.drainTimeout = value;
      return this;
    }

    /** Whether {@link #build()} reads the fleet's models before returning; default true. */
    public Builder discoverOnBuild(boolean value) {
      this.discoverOnBuild = value;
      return this;
    }

    /**
     * Validates, builds and starts the background polls (and, by default, reads the fleet's models once). The router
     * keeps a copy of the settings: changing this builder afterwards changes nothing.
     *
     * @throws dev.headroom.core.ConfigException for the first setting out of range, naming it by its builder name
     */
    public LlmRouter build() {
      return new LlmRouter(LlmRouterSettings.from(this));
    }
  }
}
