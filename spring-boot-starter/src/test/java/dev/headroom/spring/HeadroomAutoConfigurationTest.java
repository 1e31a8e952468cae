package dev.headroom.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HeadroomMetrics;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.route.Router;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class HeadroomAutoConfigurationTest {
  static final String[] TWO_POOLS = {
      "headroom.pools.ollama.endpoints[0].id=gpu-1",
      "headroom.pools.ollama.endpoints[0].uri=http://10.0.0.5:11434",
      "headroom.pools.ollama.endpoints[0].max-concurrency=4",
      "headroom.pools.ollama.endpoints[0].labels.model=llama3",
      "headroom.pools.ollama.endpoints[1].id=gpu-2",
      "headroom.pools.ollama.endpoints[1].uri=http://10.0.0.6:11434",
      "headroom.pools.ollama.endpoints[1].max-concurrency=2",
      "headroom.pools.ollama.endpoints[1].weight=2.5",
      "headroom.pools.ollama.tier=local",
      "headroom.pools.ollama.picker=least-in-flight",
      "headroom.pools.ollama.max-waiters=16",
      "headroom.pools.cloud.endpoints[0].id=openai",
      "headroom.pools.cloud.endpoints[0].uri=https://api.openai.com",
      "headroom.pools.cloud.endpoints[0].max-concurrency=64",
      "headroom.pools.cloud.circuit-breaker.enabled=false",
      "headroom.pools.cloud.outlier-detection.enabled=false",
      "headroom.routers.chat.tiers[0].pool=ollama",
      "headroom.routers.chat.tiers[0].name=local",
      "headroom.routers.chat.tiers[0].wait-budget=300ms",
      "headroom.routers.chat.tiers[1].pool=cloud",
      "headroom.routers.chat.max-attempts=2",
  };

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class));

  @Test
  void poolsAndRoutersComeFromTheProperties() {
    runner.withPropertyValues(TWO_POOLS).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(HeadroomPools.class).hasSingleBean(HeadroomRouters.class);
      HeadroomPools pools = context.getBean(HeadroomPools.class);
      assertThat(pools.names()).containsExactly("ollama", "cloud");

      PoolConfig ollama = pools.get("ollama").config();
      assertThat(ollama.endpoints()).containsExactly(
          new Endpoint("gpu-1", URI.create("http://10.0.0.5:11434"), 1.0, 4, java.util.Map.of("model", "llama3")),
          new Endpoint("gpu-2", URI.create("http://10.0.0.6:11434"), 2.5, 2, java.util.Map.of()));
      assertThat(ollama.tier()).isEqualTo("local");
      assertThat(ollama.maxWaiters()).isEqualTo(16);
      assertThat(ollama.picker().getClass()).isEqualTo(Pickers.leastInFlight().getClass());
      assertThat(ollama.circuitBreaker()).isPresent();
      assertThat(ollama.outlierDetection().enabled()).isTrue();
      assertThat(ollama.healthCheck()).isEmpty();

      PoolConfig cloud = pools.get("cloud").config();
      assertThat(cloud.tier()).isEqualTo("cloud");
      assertThat(cloud.circuitBreaker()).isEmpty();
      assertThat(cloud.outlierDetection().enabled()).isFalse();

      Router chat = context.getBean(HeadroomRouters.class).get("chat");
      assertThat(chat.maxAttempts()).isEqualTo(2);
      assertThat(chat.tiers()).extracting(t -> t.name() + "/" + t.pool().name() + "/" + t.waitBudget())
          .containsExactly("local/ollama/PT0.3S", "cloud/cloud/PT0S");
    });
  }

  @Test
  void eachPoolAndRouterIsABeanQualifiedByItsName() {
    runner.withPropertyValues(TWO_POOLS).withUserConfiguration(NeedsQualified.class).run(context -> {
      assertThat(context).hasNotFailed();
      NeedsQualified.Client client = context.getBean(NeedsQualified.Client.class);
      assertThat(client.router()).isSameAs(context.getBean(HeadroomRouters.class).get("chat"));
      assertThat(client.pool()).isSameAs(context.getBean(HeadroomPools.class).get("cloud"));
    });
  }

  @Test
  void metersGoToTheApplicationsRegistry() {
    runner.withPropertyValues(TWO_POOLS).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      Pool ollama = context.getBean(HeadroomPools.class).get("ollama");
      try (Lease lease = ollama.acquire(Duration.ofSeconds(1))) {
        lease.success();
      }
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get(HeadroomMetrics.REQUESTS).tag("pool", "ollama").tag("outcome", "success")
          .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum()).isEqualTo(1.0);
      assertThat(registry.find(HeadroomMetrics.QUEUE_DEPTH).tag("pool", "cloud").gauge()).isNotNull();
    });
  }

  @Test
  void noRegistryMeansNoMetersAndNoFailure() {
    runner.withPropertyValues(TWO_POOLS).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(MeterRegistry.class);
      assertThat(context.getBean(HeadroomPools.class).get("ollama").config().meterRegistry()).isEmpty();
    });
  }

  @Test
  void offWithTheEnabledProperty() {
    runner.withPropertyValues(TWO_POOLS).withPropertyValues("headroom.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(HeadroomPools.class).doesNotHaveBean(HeadroomRouters.class)
            .doesNotHaveBean(HeadroomLifecycle.class).doesNotHaveBean("headroom.router.chat"));
  }

  @Test
  void absentWithoutCoreOnTheClasspath() {
    runner.withPropertyValues(TWO_POOLS).withClassLoader(new FilteredClassLoader(Pool.class)).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(HeadroomPools.class).doesNotHaveBean(HeadroomRouters.class));
  }

  @Test
  void routersRecordObservationsOnTheApplicationsObservationRegistry() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner.withPropertyValues(TWO_POOLS).withBean(ObservationRegistry.class, () -> observations).run(context -> {
      assertThat(context).hasNotFailed();
      Router chat = context.getBean(HeadroomRouters.class).get("chat");
      String answer = chat.execute(lease -> "answer from " + lease.endpoint().id());
      assertThat(answer).startsWith("answer from gpu-");
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo("headroom.route").that()
          .hasLowCardinalityKeyValue("headroom.router", "chat")
          .hasLowCardinalityKeyValue("headroom.outcome", "success");
      TestObservationRegistryAssert.assertThat(observations)
          .hasObservationWithNameEqualTo("headroom.route.attempt").that()
          .hasLowCardinalityKeyValue("headroom.tier", "local");
    });
  }

  @Test
  void withoutPropertiesTheRegistriesAreEmpty() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(HeadroomPools.class).names()).isEmpty();
      assertThat(context.getBean(HeadroomRouters.class).names()).isEmpty();
    });
  }

  @Test
  void theApplicationsOwnRegistryWins() {
    HeadroomPools own = new HeadroomPools(java.util.Map.of(), java.util.Set.of());
    runner.withPropertyValues("headroom.pools.ollama.endpoints[0].id=a", "headroom.pools.ollama.endpoints[0].uri=http://x")
        .withBean(HeadroomPools.class, () -> own).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(HeadroomPools.class);
          assertThat(context.getBean(HeadroomPools.class)).isSameAs(own);
        });
  }

  @Test
  void anApplicationPoolBeanServesATierAndReplacesAConfiguredPoolOfTheSameName() {
    runner.withPropertyValues(TWO_POOLS).withUserConfiguration(OwnCloudPool.class).run(context -> {
      assertThat(context).hasNotFailed();
      Pool own = context.getBean("myCloud", Pool.class);
      HeadroomPools pools = context.getBean(HeadroomPools.class);
      assertThat(pools.get("cloud")).isSameAs(own);
      assertThat(context.getBean(HeadroomRouters.class).get("chat").tiers().get(1).pool()).isSameAs(own);
      assertThat(own.config().endpoints()).extracting(Endpoint::id).containsExactly("in-code");
    });
  }

  @Test
  void customizersAdjustEveryPoolAndRouterBeforeItIsBuilt() {
    runner.withPropertyValues(TWO_POOLS)
        .withBean(HeadroomPoolCustomizer.class, () -> (name, builder) -> builder.maxWaiters(name.length()))
        .withBean(HeadroomRouterCustomizer.class, () -> (name, builder) -> builder.maxAttempts(5))
        .run(context -> {
          HeadroomPools pools = context.getBean(HeadroomPools.class);
          assertThat(pools.get("ollama").config().maxWaiters()).isEqualTo(6);
          assertThat(pools.get("cloud").config().maxWaiters()).isEqualTo(5);
          assertThat(context.getBean(HeadroomRouters.class).get("chat").maxAttempts()).isEqualTo(5);
        });
  }

  @Test
  void aHealthCheckPathTurnsOnProbing() {
    runner.withPropertyValues(TWO_POOLS).withPropertyValues("headroom.pools.cloud.health-check.path=/health",
        "headroom.pools.cloud.health-check.interval=3s", "headroom.pools.cloud.health-check.unhealthy-threshold=4")
        .run(context -> {
          var check = context.getBean(HeadroomPools.class).get("cloud").config().healthCheck().orElseThrow();
          assertThat(check.interval()).isEqualTo(Duration.ofSeconds(3));
          assertThat(check.unhealthyThreshold()).isEqualTo(4);
          assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(2));
        });
  }

  @Test
  void poolsOfAPoolSourceJoinTheRegistryAndDrainWithItButStayOpenForTheirOwner() {
    Pool sourced = Pool.create(PoolConfig.builder("module-pool")
        .endpoint(Endpoint.of("m", URI.create("http://127.0.0.1:9"), 2)).build());
    try {
      runner.withPropertyValues(TWO_POOLS)
          .withBean(HeadroomPoolSource.class, () -> () -> java.util.Map.of("module-pool", sourced))
          .run(context -> {
            HeadroomPools pools = context.getBean(HeadroomPools.class);
            assertThat(pools.names()).containsExactly("ollama", "cloud", "module-pool");
            assertThat(pools.get("module-pool")).isSameAs(sourced);
          });
      assertThat(sourced.endpoint("m").orElseThrow().isDraining()).as("drained when the context stopped").isTrue();
      sourced.resume("m");
      try (Lease lease = sourced.acquire(Duration.ofSeconds(1))) {
        lease.success(); // not closed: its owner closes it
      }
    } finally {
      sourced.close();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NeedsQualified {
    record Client(Router router, Pool pool) {}

    @Bean
    Client client(@Qualifier("chat") Router router, @Qualifier("cloud") Pool pool) {
      return new Client(router, pool);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnCloudPool {
    @Bean
    Pool myCloud() {
      return Pool.create(PoolConfig.builder("cloud")
          .endpoint(Endpoint.of("in-code", URI.create("http://127.0.0.1:9"), 8)).build());
    }
  }
}
