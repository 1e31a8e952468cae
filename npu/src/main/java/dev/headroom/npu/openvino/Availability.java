package dev.headroom.npu.openvino;

import java.util.Optional;

/**
 * Whether the OpenVINO C library could be loaded in this process, and if not, why and what to do about it.
 *
 * @param available whether {@link OpenVino#runtime()} will work
 * @param library the file libopenvino_c was loaded from; empty when unavailable
 * @param version OpenVINO's build number; empty when unavailable
 * @param reason why it is unavailable (the dlerror text of each candidate tried and how to install OpenVINO or set
 *     {@value OpenVino#LIBRARY_ENV}); empty when available
 */
public record Availability(boolean available, String library, String version, String reason) {

  /** Validates. */
  public Availability {
    library = library == null ? "" : library;
    version = version == null ? "" : version;
    reason = reason == null ? "" : reason;
  }

  static Availability loaded(String library, String version) {
    return new Availability(true, library, version, "");
  }

  static Availability unavailable(String reason) {
    return new Availability(false, "", "", reason);
  }

  /** The reason, when unavailable. */
  public Optional<String> unavailableReason() {
    return available ? Optional.empty() : Optional.of(reason);
  }

  @Override
  public String toString() {
    return available ? "OpenVINO " + version + " (" + library + ")" : "OpenVINO unavailable: " + reason;
  }
}
