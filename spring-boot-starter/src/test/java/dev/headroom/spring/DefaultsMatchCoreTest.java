package dev.headroom.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.route.RetryBudget;
import dev.headroom.core.route.Router;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The defaults the properties declare (and the README lists) are core's own defaults. */
class DefaultsMatchCoreTest {

  @Test
  void anUnconfiguredSettingGetsCoresDefault() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class))
        .withPropertyValues("headroom.pools.p.endpoints[0].id=a", "headroom.pools.p.endpoints[0].uri=http://a",
            "headroom.pools.p.health-check.path=/health", "headroom.routers.r.tiers[0].pool=p")
        .run(context -> {
          Pool pool = context.getBean(HeadroomPools.class).get("p");
          PoolConfig ours = pool.config();
          PoolConfig core = PoolConfig.builder("p").endpoint(Endpoint.of("a", URI.create("http://a"), 1)).build();
          assertThat(ours.endpoints()).isEqualTo(core.endpoints());
          assertThat(ours.tier()).isEqualTo(core.tier());
          assertThat(ours.maxWaiters()).isEqualTo(core.maxWaiters());
          assertThat(ours.latencyHalfLife()).isEqualTo(core.latencyHalfLife());
          assertThat(ours.initialLatency()).isEqualTo(core.initialLatency());
          assertThat(ours.outlierDetection()).isEqualTo(core.outlierDetection());
          assertThat(ours.panicThreshold()).isEqualTo(core.panicThreshold());
          assertThat(ours.maxRetryAfter()).isEqualTo(core.maxRetryAfter());
          assertThat(ours.leakDetectionThreshold()).isEqualTo(core.leakDetectionThreshold());
          assertThat(ours.picker().getClass()).isEqualTo(core.picker().getClass());
          assertThat(ours.strictCaps()).isEqualTo(core.strictCaps());
          assertThat(ours.coordinator()).isSameAs(core.coordinator());
          var breaker = ours.circuitBreaker().orElseThrow();
          var coreBreaker = core.circuitBreaker().orElseThrow();
          assertThat(breaker.getFailureRateThreshold()).isEqualTo(coreBreaker.getFailureRateThreshold());
          assertThat(breaker.getSlidingWindowSize()).isEqualTo(coreBreaker.getSlidingWindowSize());
          assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(coreBreaker.getMinimumNumberOfCalls());

          HealthCheck check = ours.healthCheck().orElseThrow();
          HealthCheck coreCheck = HealthCheck.builder(e -> CompletableFuture.completedFuture(true)).build();
          assertThat(check.interval()).isEqualTo(coreCheck.interval());
          assertThat(check.timeout()).isEqualTo(coreCheck.timeout());
          assertThat(check.jitter()).isEqualTo(coreCheck.jitter());
          assertThat(check.unhealthyThreshold()).isEqualTo(coreCheck.unhealthyThreshold());
          assertThat(check.healthyThreshold()).isEqualTo(coreCheck.healthyThreshold());

          Router router = context.getBean(HeadroomRouters.class).get("r");
          Router coreRouter = Router.builder("r").tier("p", pool, java.time.Duration.ZERO).build();
          assertThat(router.maxAttempts()).isEqualTo(coreRouter.maxAttempts());
          assertThat(router.tiers()).isEqualTo(coreRouter.tiers());
          assertThat(router.retryBudget().toString()).isEqualTo(RetryBudget.defaults(pool.ticker()).toString());
        });
  }
}
