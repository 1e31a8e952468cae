package dev.headroom.npu.openvino;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import dev.headroom.npu.EmbeddingBackend;
import dev.headroom.npu.EmbeddingBatch;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds on an OpenVINO device (NPU, GPU or CPU) through the JNI shim. The model is reshaped to a static
 * {@code [maxBatchSize, length]} shape for every length bucket (NPUs compile static shapes only) and compiled on the
 * device a {@link DeviceSelector} chooses; each compiled bucket gets a pool of infer requests sized by the device's
 * {@code OPTIMAL_NUMBER_OF_INFER_REQUESTS}, which is also this backend's concurrency.
 *
 * <pre>{@code
 * try (OpenVinoCore runtime = OpenVino.runtime()) {
 *   OpenVinoBackend npu = OpenVinoBackend.builder(runtime, model.modelFile())
 *       .deviceSelector(DeviceSelector.defaults())      // NPU > GPU > CPU
 *       .lengthBuckets(16, 32, 64, 128, 256)
 *       .build();
 * }
 * }</pre>
 */
public final class OpenVinoBackend implements EmbeddingBackend {
  private static final Logger log = LoggerFactory.getLogger(OpenVinoBackend.class);

  private final String id;
  private final int dimensions;
  private final int maxBatchSize;
  private final List<String> inputs;
  private final OvModel model;
  private final List<Bucket> buckets;
  private final String device;
  private final List<String> reasons;
  private final int concurrency;
  private final Map<String, String> labels;
  private final OpenVinoCore ownedRuntime;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenVinoBackend(Builder b) {
    this.id = b.id;
    this.dimensions = b.dimensions;
    this.maxBatchSize = b.maxBatchSize;
    this.inputs = List.copyOf(b.inputs);
    this.ownedRuntime = b.ownsRuntime ? b.runtime : null;
    this.model = b.runtime.readModel(b.modelFile);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(OpenVinoCore.PERFORMANCE_HINT, b.performanceHint);
    if (b.cacheDir != null) {
      properties.put(OpenVinoCore.CACHE_DIR, b.cacheDir.toString());
    }
    var selection = b.selector.select(b.runtime.availableDevices(),
        candidate -> compileAll(b.runtime, candidate, b.lengths, properties));
    if (selection.isEmpty()) {
      model.close();
      throw new OpenVinoException("ov_core_compile_model", -1, "no device of " + (b.selector.isAuto()
          ? b.selector.autoDevice() : b.selector.priority()) + " compiled the model: " + b.selector.lastReasons());
    }
    this.device = selection.get().device();
    this.reasons = selection.get().reasons();
    this.buckets = selection.get().compiled();
    this.concurrency = buckets.get(0).slots.remainingCapacity() + buckets.get(0).slots.size();
    this.labels = Map.of("kind", "local", "device", device, "runtime", "openvino");
    log.info("OpenVINO backend '{}' on {} ({}): buckets {}, {} infer requests each", id, device,
        device.startsWith("AUTO") ? "OpenVINO AUTO plugin" : b.runtime.fullDeviceName(device).orElse("?"),
        buckets.stream().map(x -> x.length).toList(), concurrency);
  }

  /**
   * A builder for a model file (ONNX or IR) read through {@code runtime}; the caller keeps ownership of the
   * runtime.
   */
  public static Builder builder(OpenVinoCore runtime, Path modelFile) {
    return new Builder(runtime, modelFile, false);
  }

  /** Like {@link #builder(OpenVinoCore, Path)} with a runtime of its own, closed with the backend. */
  public static Builder builder(Path modelFile) {
    return new Builder(null, modelFile, true);
  }

  private List<Bucket> compileAll(OpenVinoCore runtime, String device, List<Integer> lengths,
      Map<String, String> properties) {
    List<Bucket> out = new ArrayList<>();
    try {
      for (int length : lengths) {
        OvCompiledModel compiled;
        synchronized (model) {
          model.reshape(inputs, maxBatchSize, length);
          compiled = runtime.compile(model, device, properties);
        }
        out.add(new Bucket(length, compiled, optimal(compiled), inputs, maxBatchSize));
      }
      return out;
    } catch (RuntimeException e) {
      out.forEach(Bucket::close);
      throw e;
    }
  }

  private static int optimal(OvCompiledModel compiled) {
    try {
      return Math.max(1, Integer.parseInt(compiled.property(OpenVinoCore.OPTIMAL_NUMBER_OF_INFER_REQUESTS)
          .trim()));
    } catch (OpenVinoException | NumberFormatException e) {
      compiled.close();
      throw new OpenVinoException("ov_compiled_model_get_property", -1,
          "OPTIMAL_NUMBER_OF_INFER_REQUESTS is not a number: " + e.getMessage());
    }
  }

  /** The device compiled for, e.g. {@code NPU} or {@code GPU.0}. */
  public String device() {
    return device;
  }

  /** Why this device: one line per device considered. */
  public List<String> selectionReasons() {
    return reasons;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public int maxBatchSize() {
    return maxBatchSize;
  }

  @Override
  public int maxConcurrency() {
    return concurrency;
  }

  @Override
  public boolean needsTokens() {
    return true;
  }

  @Override
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public List<float[]> embed(EmbeddingBatch batch) throws InterruptedException {
    if (closed.get()) {
      throw new HeadroomException("OpenVINO backend '" + id + "' is closed");
    }
    if (!batch.hasTokens() || batch.size() > maxBatchSize) {
      throw new IllegalArgumentException("OpenVINO backend '" + id + "' takes tokenized batches of at most "
          + maxBatchSize + " texts, not " + batch);
    }
    Bucket bucket = null;
    for (Bucket candidate : buckets) {
      if (candidate.length >= batch.paddedLength()) {
        bucket = candidate;
        break;
      }
    }
    if (bucket == null) {
      throw new IllegalArgumentException("no compiled length fits " + batch.paddedLength() + " tokens (buckets "
          + buckets.stream().map(b -> b.length).toList() + ")");
    }
    InferSlot slot = bucket.slots.take();
    try {
      LongBuffer[] sources = new LongBuffer[inputs.size()];
      for (int i = 0; i < inputs.size(); i++) {
        sources[i] = switch (inputs.get(i)) {
          case "attention_mask" -> batch.attentionMask();
          case "token_type_ids" -> batch.tokenTypeIds();
          default -> batch.inputIds();
        };
      }
      slot.fill(sources, batch.size(), batch.paddedLength());
      slot.request.infer();
      long[] shape = new long[9];
      float[] hidden = slot.request.output(0, shape);
      if (shape[0] != 3 || shape[3] != dimensions || shape[2] != bucket.length) {
        throw new OpenVinoException("ov_infer_request_get_output_tensor_by_index", -4, "expected output ["
            + maxBatchSize + ", " + bucket.length + ", " + dimensions + "] but got rank " + shape[0] + " ["
            + shape[1] + ", " + shape[2] + ", " + shape[3] + "]");
      }
      return batch.meanPool(hidden, bucket.length, dimensions);
    } finally {
      bucket.slots.add(slot);
    }
  }

  /** Frees the infer requests, compiled models and the model (and the runtime if the backend owns it). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      buckets.forEach(Bucket::close);
      model.close();
      if (ownedRuntime != null) {
        ownedRuntime.close();
      }
    }
  }

  @Override
  public String toString() {
    return "OpenVinoBackend{" + id + " on " + device + ", buckets " + buckets.stream().map(b -> b.length).toList()
        + ", concurrency " + concurrency + '}';
  }

  /** One compiled static length and its infer requests. */
  private static final class Bucket implements AutoCloseable {
    final int length;
    final OvCompiledModel compiled;
    final BlockingQueue<InferSlot> slots;

    Bucket(int length, OvCompiledModel compiled, int requests, List<String> inputs, int rows) {
      this.length = length;
      this.compiled = compiled;
      this.slots = new ArrayBlockingQueue<>(requests);
      try {
        for (int i = 0; i < requests; i++) {
          slots.add(new InferSlot(compiled, inputs, rows, length));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      InferSlot slot;
      while ((slot = slots.poll()) != null) {
        slot.close();
      }
      compiled.close();
    }
  }

  /** Builds an {@link OpenVinoBackend}. */
  public static final class Builder {
    private OpenVinoCore runtime;
    private final Path modelFile;
    private final boolean ownsRuntime;
    private String id = "openvino";
    private int dimensions = 384;
    private int maxBatchSize = 32;
    private List<Integer> lengths = List.of(16, 32, 64, 128, 256);
    private List<String> inputs = List.of("input_ids", "attention_mask", "token_type_ids");
    private DeviceSelector selector = DeviceSelector.defaults();
    private String performanceHint = "THROUGHPUT";
    private Path cacheDir;

    private Builder(OpenVinoCore runtime, Path modelFile, boolean ownsRuntime) {
      this.runtime = runtime;
      this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
      this.ownsRuntime = ownsRuntime;
      if (!ownsRuntime) {
        Objects.requireNonNull(runtime, "runtime");
      }
    }

    /** The backend id; default {@code openvino}. */
    public Builder id(String value) {
      this.id = Objects.requireNonNull(value, "id");
      return this;
    }

    /** The model's hidden size; default 384. */
    public Builder dimensions(int value) {
      this.dimensions = value;
      return this;
    }

    /** Rows per compiled shape (shorter batches are padded with empty rows); default 32. */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    /** Sequence lengths to compile, ascending; the last must fit the tokenizer's maximum. */
    public Builder lengthBuckets(Integer... values) {
      this.lengths = List.of(values);
      return this;
    }

    /** The model's int64 input names; default input_ids, attention_mask, token_type_ids. */
    public Builder inputs(String... names) {
      this.inputs = List.of(names);
      return this;
    }

    /** How the device is chosen; default {@link DeviceSelector#defaults()} (NPU > GPU > CPU). */
    public Builder deviceSelector(DeviceSelector value) {
      this.selector = Objects.requireNonNull(value, "deviceSelector");
      return this;
    }

    /** PERFORMANCE_HINT for compiling: THROUGHPUT (default) or LATENCY. */
    public Builder performanceHint(String value) {
      this.performanceHint = Objects.requireNonNull(value, "performanceHint");
      return this;
    }

    /** CACHE_DIR for compiled blobs, so an NPU does not recompile on every start. */
    public Builder cacheDir(Path value) {
      this.cacheDir = Objects.requireNonNull(value, "cacheDir");
      return this;
    }

    /**
     * Reads the model and compiles it on the chosen device.
     *
     * @throws ConfigException for a bad setting
     * @throws OpenVinoException when the model cannot be read or no device compiles it (the reasons are listed)
     * @throws OpenVinoUnavailableException when the backend should create its runtime and OpenVINO is missing
     */
    public OpenVinoBackend build() {
      Checks checks = Checks.in("OpenVINO backend '" + id + "'");
      checks.nonBlank("id", id);
      checks.atLeast("dimensions", dimensions, 1);
      checks.atLeast("maxBatchSize", maxBatchSize, 1);
      checks.notEmpty("lengthBuckets", lengths, "length");
      checks.notEmpty("inputs", inputs, "input");
      for (int i = 1; i < lengths.size(); i++) {
        if (lengths.get(i) <= lengths.get(i - 1)) {
          throw checks.invalid("lengthBuckets", lengths, "must be ascending");
        }
      }
      if (!performanceHint.equals("THROUGHPUT") && !performanceHint.equals("LATENCY")) {
        throw checks.invalid("performanceHint", performanceHint, "must be THROUGHPUT or LATENCY");
      }
      if (ownsRuntime) {
        runtime = OpenVino.runtime();
      }
      try {
        return new OpenVinoBackend(this);
      } catch (RuntimeException e) {
        if (ownsRuntime) {
          runtime.close();
        }
        throw e;
      }
    }
  }
}
