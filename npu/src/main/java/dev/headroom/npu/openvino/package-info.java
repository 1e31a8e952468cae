/**
 * OpenVINO through a small JNI shim of our own: {@link dev.headroom.npu.openvino.OpenVino} (is it here, and why
 * not), {@link dev.headroom.npu.openvino.OpenVinoCore} (one {@code ov_core_t}: devices, models),
 * {@link dev.headroom.npu.openvino.DeviceSelector} (which device to compile for) and
 * {@link dev.headroom.npu.openvino.OpenVinoBackend} (an embedding backend on the chosen device).
 *
 * <h2>Why a shim that dlopen()s OpenVINO</h2>
 * The shim ({@code src/main/native/headroom_openvino.c}) is packed in the jar and links against nothing of
 * OpenVINO: it loads {@code libopenvino_c} at run time. The jar therefore loads, and answers "unavailable, because
 * ..." with the reason, on machines without OpenVINO; nothing here throws at class-load time, and the library is
 * searched once per process ({@code HEADROOM_OPENVINO_LIB}, the dynamic linker, the usual install folders). Without
 * OpenVINO the rest of the module works; the tests run the JNI path against a stub {@code libopenvino_c} built
 * from {@code src/test/native}. Native handles are opaque pointers, each freed exactly once by its owning Java object.
 *
 * <h2>Why static shapes per length bucket</h2>
 * NPUs compile static shapes only, so the model is reshaped to {@code [maxBatchSize, length]} for every length
 * bucket and compiled once per bucket; a batch is padded to the smallest bucket that holds it. Each compiled
 * bucket gets a pool of infer requests with their input buffers bound once ({@code InferSlot}), sized by the
 * device's {@code OPTIMAL_NUMBER_OF_INFER_REQUESTS}, which is also the backend's concurrency.
 *
 * <h2>Device choice</h2>
 * The first device of a priority list (NPU, GPU, CPU by default) that is available and compiles wins. A device
 * whose compile fails is excluded for a cooldown rather than for ever, so a flaky driver neither costs a failed
 * compile on every start nor loses the device permanently. The choice and the reasons for passing over better
 * devices are logged once per change and exported as a gauge. Settings are checked with core's
 * {@link dev.headroom.core.Checks} ({@code device selector 'openvino': priority ...}).
 */
package dev.headroom.npu.openvino;
