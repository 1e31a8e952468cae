package dev.headroom.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefreshTest {
  private final Refresh refresh = new Refresh(Duration.ofSeconds(1), Duration.ofSeconds(60));

  @Test
  void afterAnAnswerItWaitsTheTtlWithinMinAndMax() {
    assertThat(refresh.afterAnswer(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
    assertThat(refresh.afterAnswer(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(refresh.afterAnswer(Duration.ofSeconds(3600))).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void afterFailuresItDoublesFromMinUpToMax() {
    assertThat(refresh.afterFailure(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(refresh.afterFailure(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(refresh.afterFailure(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(refresh.afterFailure(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(refresh.afterFailure(1_000)).isEqualTo(Duration.ofSeconds(60));
  }
}
