package dev.headroom.npu.openvino;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One OpenVINO core ({@code ov_core_t}): enumerates devices, reads and compiles models. Thread-safe. Close it after
 * the backends that use it; {@link OpenVino#runtime()} creates one.
 */
public final class OpenVinoCore implements AutoCloseable {
  /** Property key: the marketing name of a device. */
  public static final String FULL_DEVICE_NAME = "FULL_DEVICE_NAME";
  /** Compiled-model property key: how many infer requests keep the device busy. */
  public static final String OPTIMAL_NUMBER_OF_INFER_REQUESTS = "OPTIMAL_NUMBER_OF_INFER_REQUESTS";
  /** Compile property key: LATENCY or THROUGHPUT. */
  public static final String PERFORMANCE_HINT = "PERFORMANCE_HINT";
  /** Compile property key: where plugins cache compiled blobs (saves NPU compile time on restart). */
  public static final String CACHE_DIR = "CACHE_DIR";

  private final Availability availability;
  private final Core core;

  OpenVinoCore(Availability availability) {
    this.availability = availability;
    this.core = new Core(OvNative.coreCreate());
  }

  /** OpenVINO's build number. */
  public String version() {
    return availability.version();
  }

  /** The libopenvino_c file in use. */
  public String library() {
    return availability.library();
  }

  /** The devices OpenVINO can use here, e.g. {@code [CPU, GPU.0, NPU]} ({@code ov_core_get_available_devices}). */
  public List<String> availableDevices() {
    return List.of(OvNative.availableDevices(core.pointer()));
  }

  /**
   * A device property ({@code ov_core_get_property}), e.g. {@link #FULL_DEVICE_NAME}.
   *
   * @throws OpenVinoException when the device or the key is unknown
   */
  public String deviceProperty(String device, String key) {
    return OvNative.coreProperty(core.pointer(), device, key);
  }

  /** The device's full name, if the device knows it. */
  public Optional<String> fullDeviceName(String device) {
    try {
      return Optional.of(deviceProperty(device, FULL_DEVICE_NAME));
    } catch (OpenVinoException e) {
      return Optional.empty();
    }
  }

  OvModel readModel(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new OpenVinoException("ov_core_read_model", -5, "model file " + path + " does not exist");
    }
    return new OvModel(OvNative.readModel(core.pointer(), path.toAbsolutePath().toString()));
  }

  OvCompiledModel compile(OvModel model, String device, Map<String, String> properties) {
    List<String> pairs = new ArrayList<>();
    properties.forEach((key, value) -> {
      pairs.add(key);
      pairs.add(value);
    });
    synchronized (model) { // reshape and compile of one model must not interleave
      return new OvCompiledModel(OvNative.compile(core.pointer(), model.pointer(), device,
          pairs.toArray(new String[0])));
    }
  }

  /** Frees the core; later calls fail. */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "OpenVinoCore{" + availability.version() + ", " + availability.library()
        + (core.isClosed() ? ", closed" : "") + '}';
  }

  /** The core handle. */
  private static final class Core extends NativeHandle {
    Core(long pointer) {
      super("ov_core_t", pointer, OvNative::coreFree);
    }
  }
}
