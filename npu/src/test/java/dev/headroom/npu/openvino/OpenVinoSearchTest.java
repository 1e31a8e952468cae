package dev.headroom.npu.openvino;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Without the override variable, the library is found by name through the dynamic linker's path. */
@Tag("openvino-search")
class OpenVinoSearchTest {

  @Test
  void findsLibopenvinoCThroughTheLinkerPathAndReportsTheFile() {
    assertThat(System.getenv(OpenVino.LIBRARY_ENV)).isNull();
    Availability availability = OpenVino.availability();
    assertThat(availability.available()).as(availability.toString()).isTrue();
    assertThat(availability.library()).startsWith("/").endsWith("test-native/libopenvino_c.so");
    try (OpenVinoCore runtime = OpenVino.runtime()) {
      assertThat(runtime.availableDevices()).isNotEmpty();
    }
  }

  @Test
  void theOverrideComesFirstThenVersionedNamesThenThePlainName() {
    var candidates = NativeLibrary.candidates(Map.of(OpenVino.LIBRARY_ENV, "/opt/custom/libopenvino_c.so"));
    assertThat(candidates.get(0)).isEqualTo("/opt/custom/libopenvino_c.so");
    assertThat(candidates.get(1)).startsWith("libopenvino_c.so.25");
    assertThat(candidates).contains("libopenvino_c.so");
    assertThat(candidates.indexOf("libopenvino_c.so")).isGreaterThan(candidates.indexOf("libopenvino_c.so.2300"));
  }
}
