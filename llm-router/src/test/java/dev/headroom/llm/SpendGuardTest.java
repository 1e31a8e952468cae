package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.fleet.LocalWindow;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.core.time.VirtualTime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpendGuardTest {
  private final VirtualTime time = new VirtualTime(Duration.ofHours(1).toNanos());

  @Test
  void theRequestLimitSlidesWithTheMinute() {
    SpendGuard guard = new SpendGuard(SpendLimit.requestsPerMinute(2), Map.of(), 100, time);
    guard.reserve("m", 10, 10);
    time.advance(Duration.ofSeconds(30));
    guard.reserve("m", 10, 10);
    assertThatThrownBy(() -> guard.reserve("m", 10, 10)).isInstanceOf(SpendLimitExceededException.class);

    time.advance(Duration.ofSeconds(31)); // the first request left the window
    guard.reserve("m", 10, 10);
    assertThat(guard.requestsLastMinute()).isEqualTo(2);
  }

  @Test
  void aRefundedReservationFreesItsPlace() {
    SpendGuard guard = new SpendGuard(SpendLimit.requestsPerMinute(1), Map.of(), 100, time);
    guard.reserve("m", 10, 10).refund();
    guard.reserve("m", 10, 10);
    assertThat(guard.requestsLastMinute()).isEqualTo(1);
  }

  @Test
  void settlingReplacesTheEstimateWithTheReportedUsage() {
    SpendGuard guard = new SpendGuard(SpendLimit.costPerMinute(1.0), Map.of("m", new ModelPrice(1_000, 1_000)),
        500, time);
    SpendGuard.Reservation r = guard.reserve("m", 100, 500); // estimate: 600 tokens at $1000/M = $0.60
    assertThat(guard.costLastMinute()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThatThrownBy(() -> guard.reserve("m", 100, 500)).isInstanceOf(SpendLimitExceededException.class)
        .hasMessageContaining("$1.2");

    r.settle(50, 50); // the real answer was short: $0.10
    assertThat(guard.costLastMinute()).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    guard.reserve("m", 100, 500);
  }

  @Test
  void guardsOfTwoReplicasOverOneSharedWindowStayWithinOneLimitTogether() {
    SharedWindow shared = new LocalWindow(SpendGuard.WINDOW, SpendGuard.SLICES, time); // a stand-in for the fleet's
    SpendGuard a = new SpendGuard(SpendLimit.requestsPerMinute(3), Map.of(), 100, shared);
    SpendGuard b = new SpendGuard(SpendLimit.requestsPerMinute(3), Map.of(), 100, shared);
    a.reserve("m", 10, 10);
    b.reserve("m", 10, 10);
    SpendGuard.Reservation third = a.reserve("m", 10, 10);
    assertThatThrownBy(() -> b.reserve("m", 10, 10)).isInstanceOf(SpendLimitExceededException.class)
        .hasMessageContaining("4 requests");
    third.refund();
    b.reserve("m", 10, 10);
    assertThat(a.requestsLastMinute()).isEqualTo(3);
  }
}
