package dev.headroom.npu.openvino;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the JNI shim packed in the jar, then asks it to dlopen() the OpenVINO C library. Runs once per process
 * (see {@link OpenVino}); every failure becomes an {@link Availability} with the reason, never an exception.
 */
final class NativeLibrary {
  private static final Logger log = LoggerFactory.getLogger(NativeLibrary.class);

  /** Where the build packs the shim inside the jar. */
  static final String SHIM_RESOURCE = "/native/linux-x86_64/libheadroom_openvino.so";

  /** Compact sonames of recent releases (2025.4 back to 2023.0), newest first: libopenvino_c.so.2530 etc. */
  private static final List<String> SONAME_VERSIONS = List.of("2540", "2530", "2520", "2510", "2500", "2460",
      "2450", "2440", "2430", "2420", "2410", "2400", "2330", "2320", "2310", "2300");

  /** Install directories searched after the dynamic linker's own path. */
  private static final List<String> LIBRARY_DIRS = List.of("/opt/intel/openvino/runtime/lib/intel64",
      "/opt/intel/openvino_2025/runtime/lib/intel64", "/opt/intel/openvino_2024/runtime/lib/intel64",
      "/usr/lib/x86_64-linux-gnu", "/usr/local/lib", "/usr/local/lib64", "/usr/lib64", "/usr/lib");

  private NativeLibrary() {}

  static Availability load(Map<String, String> environment) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return Availability.unavailable("the OpenVINO JNI shim is built for linux-x86_64 only; this is " + os + "/"
          + arch);
    }
    try {
      loadShim();
    } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
      return Availability.unavailable("cannot load the JNI shim " + SHIM_RESOURCE + ": " + e);
    }
    List<String> candidates = candidates(environment);
    String failures = OvNative.load(candidates.toArray(new String[0]));
    if (failures != null) {
      String reason = explain(environment, candidates, failures);
      log.debug("OpenVINO unavailable: {}", reason);
      return Availability.unavailable(reason);
    }
    String path = OvNative.loadedPath();
    try {
      String version = OvNative.version();
      log.info("loaded OpenVINO {} from {}{}", version, path,
          OvNative.hasLastErrorMessage() ? "" : " (no ov_get_last_err_msg: errors carry the status text only)");
      return Availability.loaded(path, version);
    } catch (OpenVinoException e) {
      return Availability.unavailable("loaded " + path + " but ov_get_openvino_version failed: " + e.getMessage());
    }
  }

  /** The libraries to try, in order: the override, versioned and plain names, then install directories. */
  static List<String> candidates(Map<String, String> environment) {
    Set<String> out = new LinkedHashSet<>();
    String override = environment.get(OpenVino.LIBRARY_ENV);
    if (override != null && !override.isBlank()) {
      out.add(override.trim());
    }
    for (String version : SONAME_VERSIONS) {
      out.add("libopenvino_c.so." + version);
    }
    out.add("libopenvino_c.so");
    List<String> dirs = new ArrayList<>();
    String home = environment.get("INTEL_OPENVINO_DIR");
    if (home != null && !home.isBlank()) {
      dirs.add(home.trim() + "/runtime/lib/intel64");
    }
    dirs.addAll(LIBRARY_DIRS);
    for (String dir : dirs) {
      Path plain = Path.of(dir, "libopenvino_c.so");
      if (Files.exists(plain)) {
        out.add(plain.toString());
      }
      for (String version : SONAME_VERSIONS) {
        Path versioned = Path.of(dir, "libopenvino_c.so." + version);
        if (Files.exists(versioned)) {
          out.add(versioned.toString());
        }
      }
    }
    return List.copyOf(out);
  }

  private static String explain(Map<String, String> environment, List<String> candidates, String failures) {
    String[] lines = failures.split("\n", -1);
    StringBuilder text = new StringBuilder("the OpenVINO C library (libopenvino_c) could not be loaded: ");
    int first = 0;
    String override = environment.get(OpenVino.LIBRARY_ENV);
    if (override != null && !override.isBlank() && lines.length > 1) {
      text.append(OpenVino.LIBRARY_ENV).append('=').append(override.trim()).append(" failed with ")
          .append(lines[0]).append("; ");
      first = 1;
    }
    text.append("dlopen(\"").append(candidates.get(first)).append("\") failed with ").append(lines[first]);
    int more = candidates.size() - first - 1;
    if (more > 0) {
      text.append(" (and ").append(more).append(" more candidates failed)");
    }
    text.append(". Install OpenVINO 2023.0 or later (Intel's APT/YUM repository, the release archive, or the "
        + "'openvino' Python wheel, whose openvino/libs folder holds libopenvino_c.so.<version>), then add its "
        + "library folder to LD_LIBRARY_PATH or set ").append(OpenVino.LIBRARY_ENV)
        .append(" to the full path of libopenvino_c.so");
    return text.toString();
  }

  private static void loadShim() throws IOException {
    Path dir = Files.createTempDirectory("headroom-openvino-");
    Path file = dir.resolve("libheadroom_openvino.so");
    try (InputStream in = NativeLibrary.class.getResourceAsStream(SHIM_RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + SHIM_RESOURCE + " is missing from the classpath");
      }
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      System.load(file.toAbsolutePath().toString());
    } finally {
      // the mapping stays valid after unlinking; nothing is left behind in the temp folder
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }
}
