package dev.headroom.npu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Embeds on the CPU with ONNX Runtime: runs the model on a padded batch, then masked mean pooling and L2
 * normalisation (as sentence-transformers does). The fallback when no OpenVINO device is usable.
 *
 * <pre>{@code
 * OnnxRuntimeBackend cpu = OnnxRuntimeBackend.builder(EmbeddingModel.allMiniLmL6V2()).threads(2).build();
 * }</pre>
 */
public final class OnnxRuntimeBackend implements EmbeddingBackend {
  private final String id;
  private final int dimensions;
  private final int maxBatchSize;
  private final int maxConcurrency;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final Set<String> inputs;
  private final Map<String, String> labels;

  private OnnxRuntimeBackend(Builder b) {
    this.id = b.id;
    this.dimensions = b.model.dimensions();
    this.maxBatchSize = b.maxBatchSize;
    this.maxConcurrency = b.maxConcurrency;
    this.labels = Map.of("kind", "local", "device", "CPU", "runtime", "onnxruntime");
    try {
      this.environment = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(b.threads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (!b.spinning) {
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      this.session = environment.createSession(b.model.readModel(), options);
      this.inputs = session.getInputNames();
    } catch (OrtException e) {
      throw new HeadroomException("ONNX Runtime cannot load " + b.model.name() + ": " + e.getMessage(), e);
    }
    if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
      close();
      throw Checks.in("model '" + b.model.name() + "'").invalid("inputs", inputs,
          "must include input_ids and attention_mask");
    }
  }

  /** A builder for the given model. */
  public static Builder builder(EmbeddingModel model) {
    return new Builder(model);
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
    return maxConcurrency;
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
  public List<float[]> embed(EmbeddingBatch batch) throws OrtException {
    if (!batch.hasTokens()) {
      throw new IllegalArgumentException("ONNX Runtime needs a tokenized batch; give the pool a tokenizer");
    }
    long[] shape = {batch.size(), batch.paddedLength()};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", tensor(batch.inputIds(), shape));
      feed.put("attention_mask", tensor(batch.attentionMask(), shape));
      if (inputs.contains("token_type_ids")) {
        feed.put("token_type_ids", tensor(batch.tokenTypeIds(), shape));
      }
      try (OrtSession.Result result = session.run(feed)) {
        OnnxValue first = result.get(0);
        if (!(first instanceof OnnxTensor output)) {
          throw new IllegalStateException("output 0 is not a tensor: " + first.getInfo());
        }
        long[] outShape = output.getInfo().getShape();
        if (outShape.length != 3 || outShape[2] != dimensions) {
          throw new IllegalStateException("expected output [batch, length, " + dimensions + "] but got "
              + java.util.Arrays.toString(outShape));
        }
        FloatBuffer buffer = output.getFloatBuffer();
        float[] hidden = new float[buffer.remaining()];
        buffer.get(hidden);
        return batch.meanPool(hidden, (int) outShape[1], dimensions);
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(LongBuffer data, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(environment, data, shape);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new HeadroomException("closing the ONNX Runtime session failed", e);
    }
  }

  @Override
  public String toString() {
    return "OnnxRuntimeBackend{" + id + ", batch " + maxBatchSize + ", concurrency " + maxConcurrency + '}';
  }

  /** Builds an {@link OnnxRuntimeBackend}. */
  public static final class Builder {
    private final EmbeddingModel model;
    private String id = "onnxruntime-cpu";
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int maxBatchSize = 32;
    private int maxConcurrency = 1;
    private boolean spinning = true;

    private Builder(EmbeddingModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** The backend id; default {@code onnxruntime-cpu}. */
    public Builder id(String value) {
      this.id = Objects.requireNonNull(value, "id");
      return this;
    }

    /** Threads ONNX Runtime uses inside one run; default the number of processors. */
    public Builder threads(int value) {
      this.threads = value;
      return this;
    }

    /** The most texts per run; default 32. */
    public Builder maxBatchSize(int value) {
      this.maxBatchSize = value;
      return this;
    }

    /**
     * Whether ONNX Runtime's worker threads spin while waiting for work; default true (lowest latency on a machine of
     * its own). Turn it off where cores are shared with other busy processes.
     */
    public Builder spinning(boolean value) {
      this.spinning = value;
      return this;
    }

    /** Runs at once; default 1 (one run already uses every thread). */
    public Builder maxConcurrency(int value) {
      this.maxConcurrency = value;
      return this;
    }

    /**
     * Loads the model.
     *
     * @throws ConfigException for a bad setting or a model without the expected inputs
     */
    public OnnxRuntimeBackend build() {
      Checks checks = Checks.in("ONNX Runtime backend '" + id + "'");
      checks.nonBlank("id", id);
      checks.atLeast("threads", threads, 1);
      checks.atLeast("maxBatchSize", maxBatchSize, 1);
      checks.atLeast("maxConcurrency", maxConcurrency, 1);
      return new OnnxRuntimeBackend(this);
    }
  }
}
