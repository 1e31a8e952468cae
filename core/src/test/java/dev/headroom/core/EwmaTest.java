package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EwmaTest {

  @Test
  void smallArgumentExpMatchesMathExp() {
    for (double x = -2e-4; x <= 0; x += 1e-7) {
      assertThat(Ewma.expNeg(x)).as("x=%s", x).isCloseTo(Math.exp(x), within(1e-15));
    }
    for (double x : new double[] {-0.5, -1, -3, -40}) {
      assertThat(Ewma.expNeg(x)).isEqualTo(Math.exp(x));
    }
  }

  @Test
  void decaysByHalfPerHalfLifeAndPeaksAtOnce() {
    long second = 1_000_000_000L;
    Ewma ewma = new Ewma(10 * second, 30e6, 0);
    ewma.observe(0, 200e6, false);
    assertThat(ewma.rawLatency()).isEqualTo(200e6); // a slower sample replaces the average at once
    assertThat(ewma.decay(10 * second)).isCloseTo(0.5, within(1e-12));
    assertThat(ewma.decay(10 * second + 1)).isLessThan(0.5);
    ewma.observe(10 * second, 100e6, true); // a faster one pulls it down by the decay weight
    assertThat(ewma.rawLatency()).isCloseTo(150e6, within(1e-3));
    assertThat(ewma.rawFailure()).isCloseTo(0.5, within(1e-12));
    assertThat(ewma.rawMean()).as("a sample with no time passed weighs 0; one a half-life later weighs 0.5")
        .isCloseTo(65e6, within(1e-3)); // 30 ms x 0.5 + 100 ms x 0.5
  }
}
