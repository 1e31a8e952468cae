package dev.headroom.npu.openvino;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of {@code libheadroom_openvino.so} (see {@code src/main/native/headroom_openvino.c}). Handles
 * are opaque pointers; each is freed exactly once by its owning Java object. Failed OpenVINO calls throw
 * {@link OpenVinoException}. Callable only after {@link NativeLibrary#load()} succeeded.
 */
final class OvNative {
  /** OpenVINO element types (ov_element_type_e). */
  static final int F32 = 5;
  static final int I32 = 10;
  static final int I64 = 11;

  private OvNative() {}

  /** dlopen()s the first candidate that loads and has every symbol; null on success, else one line per failure. */
  static native String load(String[] candidates);

  /** The file the library was loaded from, or null. */
  static native String loadedPath();

  /** Whether the loaded library exports the optional {@code ov_get_last_err_msg}. */
  static native boolean hasLastErrorMessage();

  static native String version();

  static native long coreCreate();

  static native void coreFree(long core);

  static native String[] availableDevices(long core);

  static native String coreProperty(long core, String device, String key);

  static native long readModel(long core, String path);

  static native void modelFree(long model);

  /** Reshapes each named input to a static shape; {@code dims} holds {@code names.length * rank} values. */
  static native void reshape(long model, String[] names, long[] dims, int rank);

  /** Compiles for a device string with up to four key/value property pairs. */
  static native long compile(long core, long model, String device, String[] properties);

  static native String compiledProperty(long compiled, String key);

  static native void compiledFree(long compiled);

  static native long createInferRequest(long compiled);

  static native void inferRequestFree(long request);

  /** Wraps a direct buffer (no copy) as a tensor and sets it as the named input. */
  static native void setTensor(long request, String name, int elementType, long[] shape, ByteBuffer data);

  static native void infer(long request);

  /** Copies F32 output {@code index}; {@code shapeOut[0]} receives the rank, the dimensions follow (9 slots). */
  static native float[] output(long request, int index, long[] shapeOut);
}
