package dev.headroom.npu.openvino;

import java.util.List;

/** A model read by a core ({@code ov_model_t}); reshaped in place before each compile. */
final class OvModel extends NativeHandle {
  OvModel(long pointer) {
    super("ov_model_t", pointer, OvNative::modelFree);
  }

  /** Gives every named input the same static shape (NPUs compile static shapes only). */
  synchronized void reshape(List<String> inputs, long... shape) {
    long[] dims = new long[inputs.size() * shape.length];
    for (int i = 0; i < inputs.size(); i++) {
      System.arraycopy(shape, 0, dims, i * shape.length, shape.length);
    }
    OvNative.reshape(pointer(), inputs.toArray(new String[0]), dims, shape.length);
  }
}
