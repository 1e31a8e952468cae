package dev.headroom.npu;

/**
 * The Micrometer meters an {@link EmbeddingPool} adds to core's ({@link dev.headroom.core.HeadroomMetrics}). The
 * pool's local and cloud lanes are core pools named {@code <pool>.local} and {@code <pool>.cloud}, so their
 * {@code headroom.requests}, {@code headroom.inflight} and {@code headroom.latency} count batches per backend.
 */
public final class NpuMetricNames {
  /** Gauge of texts waiting for a local backend: tag pool. The number to scale NPU workers on. */
  public static final String QUEUE_DEPTH = dev.headroom.core.HeadroomMetrics.QUEUE_DEPTH;
  /** Gauge of the queue level against the thresholds: 0 ok, 1 warning, 2 critical; tag pool. */
  public static final String QUEUE_LEVEL = "headroom.npu.queue.level";
  /** Counter of texts sent past the local lane: tags router (the pool), from, to (cloud or none), reason. */
  public static final String SPILLOVER = dev.headroom.core.HeadroomMetrics.SPILLOVER;
  /** Distribution of texts per batch: tags pool, backend. */
  public static final String BATCH_SIZE = "headroom.npu.batch.size";
  /** Counter of texts answered: tags pool, backend (or none), outcome (success, failure). */
  public static final String EMBEDDINGS = "headroom.npu.embeddings";
  /** Counter of failed batches split in two to isolate a bad input: tag pool. */
  public static final String SPLITS = "headroom.npu.batch.splits";
  /** Gauge, 1 for the OpenVINO device in use: tags selector, device, reason. */
  public static final String DEVICE = dev.headroom.npu.openvino.DeviceSelector.DEVICE_METRIC;

  private NpuMetricNames() {}
}
