package dev.headroom.npu;

import java.util.List;
import java.util.Map;

/**
 * Something that turns a batch of texts into vectors: an OpenVINO device, ONNX Runtime on the CPU, a remote NPU
 * worker, a cloud API. {@link EmbeddingPool} routes batches across backends with the core picker, so a backend
 * only has to embed what it is given, in order, and say how much it takes at once.
 *
 * <p>Implementations are thread-safe up to {@link #maxConcurrency()} concurrent calls. To fail one text only, a
 * backend may fail the whole batch: the pool splits a failed batch and retries the halves.
 */
public interface EmbeddingBackend extends AutoCloseable {

  /** A unique id, used as the pool endpoint id and in metrics. */
  String id();

  /** The vector size it produces. Every backend of a pool must produce the same. */
  int dimensions();

  /** The most texts per call. */
  int maxBatchSize();

  /** The most calls it serves at once (infer requests, connections). */
  int maxConcurrency();

  /** Whether it reads the token arrays of a batch (local models) rather than the texts (remote, cloud). */
  boolean needsTokens();

  /** Labels for selectors and reports, e.g. {@code kind=local}, {@code device=NPU}. */
  Map<String, String> labels();

  /**
   * Embeds every text of {@code batch}.
   *
   * @return one unit vector per text, in the batch's order
   * @throws Exception when the batch failed; a {@link dev.headroom.core.BackendException} with a 4xx status (or an
   *     {@link EmbeddingInputException}) says the input was refused, 429 that the backend is busy
   */
  List<float[]> embed(EmbeddingBatch batch) throws Exception;

  /** Releases what the backend holds. Called by the pool that owns it, once. */
  @Override
  void close();
}
