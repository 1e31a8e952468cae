package dev.headroom.npu;

import java.util.List;

/**
 * The HTTP protocol between an {@link EmbeddingPool} and a remote embedding worker (such as the examples'
 * {@code NpuWorkerServer}): {@code POST /embed} with {@link EmbedRequest}, answered by {@link EmbedResponse}, or 400
 * with {@link ErrorResponse} for a bad input, or 429/503 when the worker is saturated; {@code GET /load} answers
 * {@link LoadReport}. JSON throughout.
 */
public final class WorkerProtocol {
  /** The embedding endpoint. */
  public static final String EMBED_PATH = "/embed";
  /** The load report endpoint. */
  public static final String LOAD_PATH = "/load";

  private WorkerProtocol() {}

  /**
   * The texts to embed.
   *
   * @param inputs the texts, in order
   */
  public record EmbedRequest(List<String> inputs) {}

  /**
   * The vectors, in the order of the inputs.
   *
   * @param embeddings one unit vector per input
   * @param truncated per input, whether it was cut to the model's maximum
   * @param backend which backend of the worker computed them
   */
  public record EmbedResponse(List<float[]> embeddings, List<Boolean> truncated, String backend) {}

  /**
   * Why a request was refused.
   *
   * @param error the reason
   * @param index the offending input, or -1
   */
  public record ErrorResponse(String error, int index) {}

  /**
   * How busy a worker is, for scaling and for clients that want to look before they send.
   *
   * @param pending texts waiting
   * @param inFlight texts being embedded
   * @param capacity texts it can embed at once
   * @param level OK, WARNING or CRITICAL against its queue thresholds
   */
  public record LoadReport(int pending, int inFlight, int capacity, String level) {}
}
