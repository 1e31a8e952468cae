package dev.headroom.npu.openvino;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.List;

/**
 * One infer request with its input buffers bound once, for a static {@code [rows, length]} shape. The buffers are
 * direct and stay bound to the request, so an inference is: fill, infer, read the output.
 */
final class InferSlot implements AutoCloseable {
  final OvInferRequest request;
  private final LongBuffer[] inputs;
  private final int rows;
  private final int length;

  InferSlot(OvCompiledModel compiled, List<String> names, int rows, int length) {
    this.request = compiled.createInferRequest();
    this.rows = rows;
    this.length = length;
    this.inputs = new LongBuffer[names.size()];
    try {
      long[] shape = {rows, length};
      for (int i = 0; i < names.size(); i++) {
        ByteBuffer direct = ByteBuffer.allocateDirect(rows * length * Long.BYTES).order(ByteOrder.nativeOrder());
        request.setInt64Input(names.get(i), shape, direct);
        inputs[i] = direct.asLongBuffer();
      }
    } catch (RuntimeException e) {
      request.close();
      throw e;
    }
  }

  /**
   * Copies {@code used} rows of {@code sourceLength} values per input into the bound buffers, padding the rest of
   * each row and every unused row with zeros.
   */
  void fill(LongBuffer[] sources, int used, int sourceLength) {
    for (int i = 0; i < inputs.length; i++) {
      LongBuffer target = inputs[i];
      LongBuffer source = sources[i];
      target.clear();
      for (int row = 0; row < rows; row++) {
        for (int t = 0; t < length; t++) {
          target.put(row < used && t < sourceLength ? source.get(row * sourceLength + t) : 0L);
        }
      }
    }
  }

  @Override
  public void close() {
    request.close();
  }
}
