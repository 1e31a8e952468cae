package dev.headroom.npu.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** On this machine there is no OpenVINO: availability says so, with the loader's reason and what to do. */
class OpenVinoAvailabilityTest {

  @Test
  void reportsUnavailableWithTheDlerrorAndHowToFixIt() {
    Availability availability = OpenVino.availability();
    assertThat(availability.available()).isFalse();
    assertThat(availability.reason())
        .contains("libopenvino_c")
        .contains("cannot open shared object file")
        .contains(OpenVino.LIBRARY_ENV)
        .contains("LD_LIBRARY_PATH");
    assertThat(availability.unavailableReason()).contains(availability.reason());
    assertThat(availability.library()).isEmpty();
    assertThat(availability.version()).isEmpty();
  }

  @Test
  void askingForARuntimeFailsWithTheSameReason() {
    assertThatThrownBy(OpenVino::runtime)
        .isInstanceOf(OpenVinoUnavailableException.class)
        .hasMessageContaining("OpenVINO is unavailable")
        .hasMessageContaining(OpenVino.LIBRARY_ENV);
  }
}
