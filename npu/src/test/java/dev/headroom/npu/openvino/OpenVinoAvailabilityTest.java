package dev.headroom.npu.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Availability tells what this machine has, as the library decided it ({@link OpenVino#availability()}, the answer
 * {@code LocalBackends} acts on). Where libopenvino_c loads (an Intel machine with OpenVINO installed): the file, the
 * version and a runtime that works. Where it does not (the build machine): the loader's reason and what to do, and
 * asking for a runtime fails with that reason. Each branch asserts its own outcome; neither is skipped.
 */
class OpenVinoAvailabilityTest {

  @Test
  void reportsTheLoadedLibraryOrTheDlerrorAndHowToFixIt() {
    Availability availability = OpenVino.availability();
    if (availability.available()) {
      assertThat(availability.library()).contains("libopenvino_c");
      assertThat(availability.version()).isNotBlank();
      assertThat(availability.reason()).isEmpty();
      assertThat(availability.unavailableReason()).isEmpty();
      assertThat(availability.toString()).contains(availability.version(), availability.library());
    } else {
      assertThat(availability.reason())
          .contains("libopenvino_c")
          .contains("cannot open shared object file")
          .contains(OpenVino.LIBRARY_ENV)
          .contains("LD_LIBRARY_PATH");
      assertThat(availability.unavailableReason()).contains(availability.reason());
      assertThat(availability.library()).isEmpty();
      assertThat(availability.version()).isEmpty();
      assertThat(availability.toString()).startsWith("OpenVINO unavailable: ");
    }
  }

  @Test
  void askingForARuntimeGivesAWorkingCoreOrFailsWithTheSameReason() {
    Availability availability = OpenVino.availability();
    if (availability.available()) {
      try (OpenVinoCore runtime = OpenVino.runtime()) {
        assertThat(runtime.version()).isEqualTo(availability.version());
        assertThat(runtime.library()).isEqualTo(availability.library());
        assertThat(runtime.availableDevices()).isNotEmpty();
      }
    } else {
      assertThatThrownBy(OpenVino::runtime)
          .isInstanceOf(OpenVinoUnavailableException.class)
          .hasMessage("OpenVINO is unavailable: " + availability.reason())
          .hasMessageContaining(OpenVino.LIBRARY_ENV);
    }
  }
}
