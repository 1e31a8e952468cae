package dev.headroom.npu.openvino;

/** A model compiled for one device ({@code ov_compiled_model_t}). */
final class OvCompiledModel extends NativeHandle {
  OvCompiledModel(long pointer) {
    super("ov_compiled_model_t", pointer, OvNative::compiledFree);
  }

  /** A property of the compiled model, e.g. {@code OPTIMAL_NUMBER_OF_INFER_REQUESTS}. */
  String property(String key) {
    return OvNative.compiledProperty(pointer(), key);
  }

  /** A new infer request; the caller closes it (before this model). */
  OvInferRequest createInferRequest() {
    return new OvInferRequest(OvNative.createInferRequest(pointer()));
  }
}
