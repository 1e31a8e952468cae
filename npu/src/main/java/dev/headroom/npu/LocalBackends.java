package dev.headroom.npu;

import dev.headroom.core.HeadroomException;
import dev.headroom.npu.openvino.Availability;
import dev.headroom.npu.openvino.DeviceSelector;
import dev.headroom.npu.openvino.OpenVino;
import dev.headroom.npu.openvino.OpenVinoBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what runs the model on this machine, best first: an OpenVINO device chosen by a {@link DeviceSelector}
 * (NPU > GPU > CPU), else ONNX Runtime on the CPU, else nothing (the pool then sends everything to its cloud).
 * The decision and its reasons are logged once.
 *
 * <pre>{@code
 * LocalBackends.Choice local = LocalBackends.builder(model).build().choose();
 * EmbeddingPoolBuilder pool = EmbeddingPool.builder("embeddings").tokenizer(model.tokenizer());
 * local.backends().forEach(pool::backend);
 * }</pre>
 */
public final class LocalBackends {
  private static final Logger log = LoggerFactory.getLogger(LocalBackends.class);

  private final EmbeddingModel model;
  private final boolean openVino;
  private final DeviceSelector selector;
  private final boolean onnxRuntime;
  private final int maxBatchSize;
  private final int onnxThreads;
  private final List<Integer> buckets;

  private LocalBackends(Builder b) {
    this.model = b.model;
    this.openVino = b.openVino;
    this.selector = b.selector;
    this.onnxRuntime = b.onnxRuntime;
    this.maxBatchSize = b.maxBatchSize;
    this.onnxThreads = b.onnxThreads;
    this.buckets = b.buckets;
  }

  /** A builder for {@code model}. */
  public static Builder builder(EmbeddingModel model) {
    return new Builder(model);
  }

  /** Builds the best backend that works here; the caller (or the pool it is given to) closes it. */
  public Choice choose() {
    List<String> reasons = new ArrayList<>();
    if (openVino) {
      Availability availability = OpenVino.availability();
      if (!availability.available()) {
        reasons.add("openvino: " + availability.reason());
      } else {
        try {
          OpenVinoBackend backend = OpenVinoBackend.builder(model.modelFile())
              .deviceSelector(selector)
              .dimensions(model.dimensions())
              .maxBatchSize(maxBatchSize)
              .lengthBuckets(openVinoBuckets())
              .build();
          reasons.addAll(backend.selectionReasons());
          return decided(new Choice(List.of(backend), "openvino:" + backend.device(), reasons));
        } catch (HeadroomException e) {
          reasons.add("openvino: " + e.getMessage());
        }
      }
    } else {
      reasons.add("openvino: disabled");
    }
    if (onnxRuntime) {
      OnnxRuntimeBackend cpu = OnnxRuntimeBackend.builder(model).threads(onnxThreads).maxBatchSize(maxBatchSize)
          .build();
      reasons.add("onnxruntime: CPU");
      return decided(new Choice(List.of(cpu), "onnxruntime:CPU", reasons));
    }
    reasons.add("onnxruntime: disabled");
    return decided(new Choice(List.of(), "none", reasons));
  }

  private Integer[] openVinoBuckets() {
    List<Integer> lengths = new ArrayList<>();
    int max = model.tokenizer().maxTokens();
    buckets.stream().filter(length -> length < max).forEach(lengths::add);
    lengths.add(max);
    return lengths.toArray(new Integer[0]);
  }

  private static Choice decided(Choice choice) {
    if (choice.backends().isEmpty()) {
      log.warn("no local embedding backend: {}", choice.reasons());
    } else {
      log.info("local embedding backend: {} ({})", choice.summary(), choice.reasons());
    }
    return choice;
  }

  /**
   * What runs locally, and why.
   *
   * @param backends the backends to give a pool (empty: nothing local works)
   * @param summary e.g. {@code openvino:NPU}, {@code onnxruntime:CPU} or {@code none}
   * @param reasons one line per option considered
   */
  public record Choice(List<EmbeddingBackend> backends, String summary, List<String> reasons) {
    /** Copies. */
    public Choice {
      backends = List.copyOf(backends);
      reasons = List.copyOf(reasons);
    }
  }

  /** Builds {@link LocalBackends}. */
  public static final class Builder {
    private final EmbeddingModel model;
    private boolean openVino = true;
    private DeviceSelector selector = DeviceSelector.defaults();
    private boolean onnxRuntime = true;
    private int maxBatchSize = 32;
    private int onnxThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private List<Integer> buckets = List.of(16, 32, 64, 128, 256, 512);

    private Builder(EmbeddingModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** Whether to try OpenVINO; default true. */
    public Builder openVino(boolean value) {
      this.openVino = value;
      return this;
    }

    /** How the OpenVINO device is chosen; default NPU > GPU > CPU. */
    public Builder deviceSelector(DeviceSelector value) {
      this.selector = Objects.requireNonNull(value, "deviceSelector");
      return this;
    }

    /** Whether ONNX Runtime on the CPU is the fallback; default true. */
    public Builder onnxRuntimeFallback(boolean value) {
      this.onnxRuntime = value;
      return this;
    }

    /** Texts per batch; default 32. */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    /** ONNX Runtime intra-op threads; default the number of processors. */
    public Builder onnxThreads(int value) {
      this.onnxThreads = value;
      return this;
    }

    /** Length buckets OpenVINO compiles (use the pool's); default 16 … 512, cut at the tokenizer's maximum. */
    public Builder lengthBuckets(Integer... lengths) {
      this.buckets = List.of(lengths);
      return this;
    }

    /** Builds. */
    public LocalBackends build() {
      return new LocalBackends(this);
    }
  }
}
