package dev.headroom.npu.openvino;

/**
 * Entry point to OpenVINO through Headroom's JNI shim. The shim is packed in this jar and loads the OpenVINO C
 * library ({@code libopenvino_c}) at run time, so this class works, and says why not, on machines without OpenVINO:
 *
 * <pre>{@code
 * Availability availability = OpenVino.availability();
 * if (availability.available()) {
 *   try (OpenVinoCore runtime = OpenVino.runtime()) {
 *     System.out.println(runtime.availableDevices());   // [NPU, GPU.0, CPU]
 *   }
 * } else {
 *   System.out.println(availability.reason());
 * }
 * }</pre>
 *
 * <p>The library is searched once per process: {@value #LIBRARY_ENV} first, then {@code libopenvino_c.so.<ver>} and
 * {@code libopenvino_c.so} through the dynamic linker (LD_LIBRARY_PATH, ld.so.cache), then the usual install
 * folders ({@code $INTEL_OPENVINO_DIR/runtime/lib/intel64}, {@code /opt/intel/openvino*}, {@code /usr/lib…}).
 * Nothing here throws at class-load time.
 */
public final class OpenVino {
  /** The environment variable naming the libopenvino_c file to load before any search. */
  public static final String LIBRARY_ENV = "HEADROOM_OPENVINO_LIB";

  private OpenVino() {}

  /** Whether OpenVINO is usable here; the first call loads it. Never throws. */
  public static Availability availability() {
    return Loaded.AVAILABILITY;
  }

  /**
   * A new runtime (an OpenVINO core) to enumerate devices and compile models; close it when done.
   *
   * @throws OpenVinoUnavailableException when the library could not be loaded, with the reason
   * @throws OpenVinoException when the core cannot be created
   */
  public static OpenVinoCore runtime() {
    Availability availability = availability();
    if (!availability.available()) {
      throw new OpenVinoUnavailableException(availability.reason());
    }
    return new OpenVinoCore(availability);
  }

  /** Loads once, on first use (the JVM runs this initializer once, thread-safely). */
  private static final class Loaded {
    static final Availability AVAILABILITY = load();

    private static Availability load() {
      try {
        return NativeLibrary.load(System.getenv());
      } catch (RuntimeException | LinkageError e) {
        return Availability.unavailable("loading failed: " + e);
      }
    }
  }
}
