package dev.headroom.npu.openvino;

import dev.headroom.core.HeadroomException;

/** OpenVINO cannot be used in this process; the message says why and how to install it or point to it. */
public final class OpenVinoUnavailableException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /** An exception with the availability's reason. */
  public OpenVinoUnavailableException(String reason) {
    super("OpenVINO is unavailable: " + reason);
  }
}
