package dev.headroom.npu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Pool;
import dev.headroom.core.time.Ticker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A backend added at run time ramps up when the pool has a slow start (issue 14 item 3). */
class SlowStartTest {

  private static EndpointState state(EmbeddingPool pool, String id) {
    Pool local = pool.localPool().orElseThrow();
    return local.endpoint(id).orElseThrow();
  }

  @Test
  void anAddedBackendWarmsUpOverTheWindowTheBuiltOnesDoNot() {
    try (EmbeddingPool pool = EmbeddingPool.builder("embed").backend(new FakeDevice("a", 8, 2, false))
        .slowStart(Duration.ofMinutes(10)).build()) {
      pool.addBackend(new FakeDevice("b", 8, 2, false));
      long now = Ticker.system().read();
      assertThat(state(pool, "a").isWarming(now)).as("built with the pool").isFalse();
      assertThat(state(pool, "b").isWarming(now)).as("added at run time").isTrue();
      assertThat(state(pool, "b").slowStartFactor(now)).isLessThan(0.2);
      assertThat(pool.embed("still answers").vector()).isNotEmpty();
    }
  }

  @Test
  void withoutSlowStartAnAddedBackendHasItsFullWeightAtOnce() {
    try (EmbeddingPool pool = EmbeddingPool.builder("embed").backend(new FakeDevice("a", 8, 2, false)).build()) {
      pool.addBackend(new FakeDevice("b", 8, 2, false));
      long now = Ticker.system().read();
      assertThat(state(pool, "b").isWarming(now)).isFalse();
      assertThat(state(pool, "b").slowStartFactor(now)).isEqualTo(1.0);
    }
  }
}
