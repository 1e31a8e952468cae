package dev.headroom.npu.openvino;

import java.nio.ByteBuffer;

/** One infer request ({@code ov_infer_request_t}); used by one thread at a time. */
final class OvInferRequest extends NativeHandle {
  OvInferRequest(long pointer) {
    super("ov_infer_request_t", pointer, OvNative::inferRequestFree);
  }

  /** Binds a direct buffer (no copy) as the named I64 input of the given shape. */
  void setInt64Input(String name, long[] shape, ByteBuffer direct) {
    OvNative.setTensor(pointer(), name, OvNative.I64, shape, direct);
  }

  void infer() {
    OvNative.infer(pointer());
  }

  /** Output {@code index} as floats; {@code shapeOut} (9 slots) receives rank then dimensions. */
  float[] output(int index, long[] shapeOut) {
    return OvNative.output(pointer(), index, shapeOut);
  }
}
