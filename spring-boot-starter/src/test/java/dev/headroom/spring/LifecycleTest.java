package dev.headroom.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.HeadroomException;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolExhaustedException;
import dev.headroom.core.Selector;
import dev.headroom.core.SpillReason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Pools drain when the context stops: no new leases, held ones finish (within a bound), then the pools close. */
class LifecycleTest {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class))
      .withPropertyValues("headroom.pools.work.endpoints[0].id=a", "headroom.pools.work.endpoints[0].uri=http://a",
          "headroom.pools.work.endpoints[0].max-concurrency=2");

  @Test
  void stoppingTheContextWaitsForHeldLeasesAndRefusesNewOnes() {
    runner.withPropertyValues("headroom.shutdown.drain-timeout=30s").run(context -> {
      Pool pool = context.getBean(HeadroomPools.class).get("work");
      assertThat(context.getBean(HeadroomLifecycle.class).isRunning()).isTrue();
      Lease held = pool.acquire(Duration.ofSeconds(1));

      CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
      await().atMost(Duration.ofSeconds(10)).until(() -> !pool.hasEligible(Selector.any()));
      assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(50)))
          .isInstanceOfSatisfying(PoolExhaustedException.class,
              e -> assertThat(e.lastReason()).isEqualTo(SpillReason.NO_HEALTHY_ENDPOINT));
      assertThat(closing).as("the stop waits for the held lease").isNotDone();
      assertThat(pool.endpoint("a").orElseThrow().isDraining()).isTrue();

      held.success();
      closing.get(10, TimeUnit.SECONDS);
      assertThat(pool.inFlight()).isZero();
      assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(HeadroomException.class)
          .hasMessageContaining("is closed");
    });
  }

  @Test
  void aLeaseThatIsNeverReturnedDelaysTheStopOnlyUntilTheDrainTimeout() {
    runner.withPropertyValues("headroom.shutdown.drain-timeout=200ms").run(context -> {
      Pool pool = context.getBean(HeadroomPools.class).get("work");
      Lease stuck = pool.acquire(Duration.ofSeconds(1));
      CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
      closing.get(10, TimeUnit.SECONDS);
      assertThat(stuck.isDone()).isFalse();
      assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).hasMessageContaining("is closed");
      stuck.success(); // completing after the close is harmless
      assertThat(pool.inFlight()).isZero();
    });
  }
}
