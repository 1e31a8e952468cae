package dev.headroom.core;

import static dev.headroom.core.TestPools.endpoint;
import static dev.headroom.core.TestPools.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BreakerStateTest {
  private final VirtualTime time = new VirtualTime();

  @Test
  void theViewShowsStateFailureRateAndSinceWhenThePoolSawTheChange() {
    Pool pool = Pool.create(TestPools.plain("cb", time, endpoint("a", 10), endpoint("b", 10))
        .circuitBreaker(TestPools.quickBreaker(Duration.ofSeconds(5)))
        .build());
    EndpointState a = pool.endpoint("a").orElseThrow();
    long joined = time.read();
    assertThat(a.breaker()).satisfies(b -> {
      assertThat(b.state()).isEqualTo(BreakerState.State.CLOSED);
      assertThat(b.failureRate()).as("not enough calls yet").isNaN();
      assertThat(b.sinceNanos()).isEqualTo(joined);
      assertThat(b.isOpen()).isFalse();
    });

    time.advance(Duration.ofSeconds(3));
    pool.tryAcquire(only("a")).orElseThrow().success();
    for (int i = 0; i < 3; i++) {
      pool.tryAcquire(only("a")).orElseThrow().failure(new IOException("boom"));
    }

    BreakerState open = a.breaker();
    assertThat(open.state()).isEqualTo(BreakerState.State.OPEN);
    assertThat(open.isOpen()).isTrue();
    assertThat(open.failureRate()).isEqualTo(0.75);
    assertThat(open.sinceNanos()).isEqualTo(joined + Duration.ofSeconds(3).toNanos());
  }

  @Test
  void aPoolWithoutBreakersShowsThemDisabled() {
    Pool pool = Pool.create(TestPools.plain("none", time, endpoint("a", 10)).noCircuitBreaker().build());
    for (int i = 0; i < 10; i++) {
      pool.tryAcquire(only("a")).orElseThrow().failure(new IOException("boom"));
    }
    BreakerState view = pool.endpoint("a").orElseThrow().breaker();
    assertThat(view.state()).isEqualTo(BreakerState.State.DISABLED);
    assertThat(view.failureRate()).isNaN();
    assertThat(view.isOpen()).isFalse();
  }
}
