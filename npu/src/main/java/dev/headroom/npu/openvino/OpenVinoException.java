package dev.headroom.npu.openvino;

import dev.headroom.core.HeadroomException;

/**
 * An OpenVINO C API call failed. Carries the function, its status code ({@code ov_status_e}: 0 is OK, errors are
 * negative) and the library's explanation ({@code ov_get_last_err_msg} where the library has it).
 */
public final class OpenVinoException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final int status;

  /**
   * @param function the C function that failed, e.g. {@code ov_core_compile_model}
   * @param status its {@code ov_status_e}
   * @param message the library's explanation
   */
  public OpenVinoException(String function, int status, String message) {
    super(function + " failed (status " + status + " " + statusName(status) + "): " + message);
    this.function = function;
    this.status = status;
  }

  /** The C function that failed. */
  public String function() {
    return function;
  }

  /** The {@code ov_status_e} it returned; -1000 when the library was not loaded. */
  public int status() {
    return status;
  }

  /** The name of an {@code ov_status_e} value, as in {@code openvino/c/ov_common.h}. */
  public static String statusName(int status) {
    return switch (status) {
      case 0 -> "OK";
      case -1 -> "GENERAL_ERROR";
      case -2 -> "NOT_IMPLEMENTED";
      case -3 -> "NETWORK_NOT_LOADED";
      case -4 -> "PARAMETER_MISMATCH";
      case -5 -> "NOT_FOUND";
      case -6 -> "OUT_OF_BOUNDS";
      case -7 -> "UNEXPECTED";
      case -8 -> "REQUEST_BUSY";
      case -9 -> "RESULT_NOT_READY";
      case -10 -> "NOT_ALLOCATED";
      case -11 -> "INFER_NOT_STARTED";
      case -12 -> "NETWORK_NOT_READ";
      case -13 -> "INFER_CANCELLED";
      case -14 -> "INVALID_C_PARAM";
      case -15 -> "UNKNOWN_C_ERROR";
      case -16 -> "NOT_IMPLEMENT_C_METHOD";
      case -17 -> "UNKNOW_EXCEPTION";
      case -1000 -> "NOT_LOADED";
      default -> "UNKNOWN";
    };
  }
}
