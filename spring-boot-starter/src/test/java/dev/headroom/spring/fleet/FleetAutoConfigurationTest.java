package dev.headroom.spring.fleet;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.browser.BrowserLaunchException;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.core.Selector;
import dev.headroom.core.fleet.FleetCoordinator;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.PoolMember;
import dev.headroom.core.fleet.RateLimiter;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.llm.LlmRouter;
import dev.headroom.npu.EmbeddingPool;
import dev.headroom.redis.fleet.RedisFleet;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import dev.headroom.spring.Output;
import dev.headroom.spring.StartupFailures;
import dev.headroom.spring.actuate.HeadroomModulesHealthAutoConfiguration;
import dev.headroom.spring.actuate.PoolHealthIndicator;
import dev.headroom.spring.browser.HeadroomBrowserAutoConfiguration;
import dev.headroom.spring.cache.HeadroomCacheAutoConfiguration;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.headroom.spring.npu.HeadroomNpuAutoConfiguration;
import dev.headroom.testkit.redis.RedisClusterFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code headroom.fleet.*} → a RedisFleet on a real password-protected Redis Cluster on loopback (3 masters), which
 * the pools and facades the starter builds join; two application contexts are two replicas of one fleet.
 */
class FleetAutoConfigurationTest {
  static final String SECRET = "fleetSecret93c1";
  static final AtomicInteger FLEETS = new AtomicInteger();
  static RedisClusterFixture redis;

  @BeforeAll
  static void start() {
    redis = RedisClusterFixture.builder().replicasPerMaster(0).password(SECRET).start();
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomCacheAutoConfiguration.class,
          HeadroomFleetAutoConfiguration.class, HeadroomModulesHealthAutoConfiguration.class))
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

  /** The seeds with the password inside, as a user may write them. */
  static String seeds() {
    return String.join(",", redis.uris().stream().map(u -> "redis://:" + SECRET + "@" + u.getHost() + ":"
        + u.getPort()).toList());
  }

  /** A replica of a fleet of its own (key prefix), with generous budgets: the build machine is shared. */
  static String[] fleet(String prefix, String replica) {
    return new String[] {
        "headroom.fleet.seeds=" + seeds(),
        "headroom.fleet.replica-id=" + replica,
        "headroom.fleet.key-prefix=" + prefix,
        "headroom.fleet.publish-interval=100ms",
        "headroom.fleet.command-budget=2s",
        "headroom.fleet.connect-timeout=5s",
    };
  }

  static String prefix() {
    return "fleet" + FLEETS.incrementAndGet();
  }

  /** One pool whose single endpoint takes one lease at a time, with strict caps. */
  static final String[] STRICT_POOL = {
      "headroom.pools.shared.endpoints[0].id=e1",
      "headroom.pools.shared.endpoints[0].uri=http://127.0.0.1:9",
      "headroom.pools.shared.endpoints[0].max-concurrency=1",
      "headroom.pools.shared.strict-caps=true",
  };

  @Test
  void offUnlessSeedsOrTheCacheClusterAreConfigured() {
    runner.withPropertyValues(STRICT_POOL).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(FleetCoordinator.class)
          .doesNotHaveBean("headroomFleetHealthContributor");
      Pool pool = context.getBean(HeadroomPools.class).get("shared");
      assertThat(pool.config().coordinator()).isSameAs(FleetCoordinator.local());
    });
    runner.withPropertyValues("headroom.fleet.replica-id=r1", "headroom.fleet.publish-interval=1s",
        "headroom.fleet.seeds=").run(context -> assertThat(context).hasNotFailed()
            .doesNotHaveBean(FleetCoordinator.class));
    runner.withPropertyValues(fleet(prefix(), "off")).withPropertyValues("headroom.fleet.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FleetCoordinator.class));
    runner.withPropertyValues(fleet(prefix(), "off")).withPropertyValues("headroom.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FleetCoordinator.class));
    runner.withPropertyValues(fleet(prefix(), "off")).withClassLoader(new FilteredClassLoader(RedisFleet.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FleetCoordinator.class)
            .doesNotHaveBean(HeadroomFleetProperties.class));
  }

  @Test
  void twoContextsAreTwoReplicasOfOneFleetAndAStrictCapHoldsAcrossThem() throws Exception {
    String prefix = prefix();
    ApplicationContextRunner replicaA = runner.withPropertyValues(fleet(prefix, "replica-a"))
        .withPropertyValues(STRICT_POOL);
    ApplicationContextRunner replicaB = runner.withPropertyValues(fleet(prefix, "replica-b"))
        .withPropertyValues(STRICT_POOL);
    String output = Output.of(() -> replicaA.run(a -> replicaB.run(b -> {
      assertThat(a).hasNotFailed().hasSingleBean(RedisFleet.class);
      assertThat(b).hasNotFailed().hasSingleBean(RedisFleet.class);
      RedisFleet fleetA = a.getBean(RedisFleet.class);
      Pool poolA = a.getBean(HeadroomPools.class).get("shared");
      Pool poolB = b.getBean(HeadroomPools.class).get("shared");
      assertThat(poolA.config().coordinator()).isSameAs(fleetA);
      assertThat(poolA.config().strictCaps()).isTrue();
      assertThat(a.getBeanFactory().getDependentBeans("headroomFleet")).as("closed after the pools")
          .contains("headroomPools");
      await().atMost(Duration.ofSeconds(20)).until(() -> fleetA.liveReplicas() == 2
          && b.getBean(RedisFleet.class).liveReplicas() == 2);

      Health health = fleetHealth(a);
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("replicaId", "replica-a").containsEntry("liveReplicas", 2)
          .containsEntry("degraded", false);
      MeterRegistry registry = a.getBean(MeterRegistry.class);
      assertThat(registry.get("headroom.fleet.degraded").gauge().value()).isZero();
      assertThat(registry.get("headroom.fleet.replicas").gauge().value()).isEqualTo(2.0);

      Lease held = poolA.tryAcquire(Selector.any()).orElseThrow();
      assertThat(poolB.tryAcquire(Selector.any())).as("the endpoint's one permit is replica a's").isEmpty();
      held.close();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> poolB.tryAcquire(Selector.any()).map(lease -> {
            lease.close();
            return true;
          }).orElse(false));
    })));
    assertThat(output).contains("headroom.fleet: RedisFleet{replica=replica-a").doesNotContain(SECRET);
  }

  @Test
  void closingAReplicasContextLeavesTheFleet() {
    String prefix = prefix();
    runner.withPropertyValues(fleet(prefix, "stays")).run(stays -> {
      RedisFleet fleet = stays.getBean(RedisFleet.class);
      runner.withPropertyValues(fleet(prefix, "leaves")).run(leaves ->
          await().atMost(Duration.ofSeconds(20)).until(() -> fleet.liveReplicas() == 2));
      await().atMost(Duration.ofSeconds(20)).until(() -> fleet.liveReplicas() == 1);
    });
  }

  @Test
  void useCacheClusterReusesTheCachesClusterItsCredentialsAndKeyPrefix() {
    String prefix = prefix();
    runner.withPropertyValues("headroom.cache.uris=" + redis.uris().get(0), "headroom.cache.password=" + SECRET,
        "headroom.cache.key-prefix=" + prefix, "headroom.fleet.use-cache-cluster=true",
        "headroom.fleet.replica-id=cache-user", "headroom.fleet.command-budget=2s").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(RedisFleet.class);
          RedisFleet fleet = context.getBean(RedisFleet.class);
          assertThat(fleet.toString()).contains(redis.uris().get(0).getHost() + ":" + redis.uris().get(0).getPort())
              .doesNotContain(SECRET);
          // the cache's password let it in, and its prefix names the registry
          await().atMost(Duration.ofSeconds(20)).until(() -> !fleet.degraded());
          String registry = "{" + prefix + ":fleet}:replicas";
          await().atMost(Duration.ofSeconds(20)).until(() -> redis.command(redis.masterForKey(registry),
              "ZSCORE", registry, "cache-user").strip().matches("\\d+"));
        });
  }

  @Test
  void whenRedisIsDownItStartsDegradedReportsItAndPoolsStillServe() throws Exception {
    try (RedisClusterFixture absent = RedisClusterFixture.builder().build()) { // ports chosen, nothing started
      String down = String.join(",", absent.uris().stream().map(URI::toString).toList());
      runner.withPropertyValues("headroom.fleet.seeds=" + down, "headroom.fleet.connect-timeout=300ms")
          .withPropertyValues(STRICT_POOL).run(context -> {
            assertThat(context).hasNotFailed();
            RedisFleet fleet = context.getBean(RedisFleet.class);
            assertThat(fleet.degraded()).isTrue();
            Health health = fleetHealth(context);
            assertThat(health.getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
            assertThat(health.getDetails()).containsEntry("degraded", true).containsEntry("liveReplicas", 1)
                .containsEntry("replicaId", fleet.replicaId());
            // DEGRADED leaves the application in service: not DOWN in the aggregate, 200 on the health endpoint
            assertThat(StatusAggregator.getDefault().getAggregateStatus(Set.of(Status.UP, health.getStatus())))
                .isEqualTo(Status.UP);
            assertThat(HttpCodeStatusMapper.DEFAULT.getStatusCode(health.getStatus())).isEqualTo(200);
            assertThat(context.getBean(MeterRegistry.class).get("headroom.fleet.degraded").gauge().value())
                .isEqualTo(1.0);
            Pool pool = context.getBean(HeadroomPools.class).get("shared");
            try (Lease lease = pool.tryAcquire(Selector.any()).orElseThrow()) {
              assertThat(lease).isNotNull(); // decided locally: the cap over the last known replica count
            }
          });
    }
  }

  @Test
  void thePasswordNeverShowsAndAWrongOneOnlyDegrades() throws Exception {
    String wrong = "wrong" + SECRET;
    String output = Output.of(() -> {
      runner.withPropertyValues(fleet(prefix(), "authed")).run(context -> {
        RedisFleet fleet = context.getBean(RedisFleet.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> !fleet.degraded());
        assertThat(fleet.toString()).doesNotContain(SECRET);
        assertThat(context.getBean(HeadroomFleetProperties.class).toString()).doesNotContain(SECRET)
            .contains("redis://***@127.0.0.1:");
        assertThat(fleetHealth(context).getDetails().toString()).doesNotContain(SECRET);
      });
      runner.withPropertyValues(fleet(prefix(), "denied")).withPropertyValues("headroom.fleet.password=" + wrong,
          "headroom.fleet.connect-timeout=1s").run(context -> {
            assertThat(context).hasNotFailed();
            RedisFleet fleet = context.getBean(RedisFleet.class);
            assertThat(fleet.degraded()).isTrue();
            assertThat(fleetHealth(context).getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
            assertThat(context.getBean(HeadroomFleetProperties.class).toString()).contains("password=[redacted]")
                .doesNotContain(wrong);
          });
    });
    assertThat(output).contains("headroom.fleet: RedisFleet{replica=authed").doesNotContain(SECRET);
  }

  @Test
  void theReplicaIdDefaultsToTheHostnameElseARandomId() {
    String prefix = prefix();
    ApplicationContextRunner seeded = runner.withPropertyValues("headroom.fleet.seeds=" + seeds(),
        "headroom.fleet.key-prefix=" + prefix, "headroom.fleet.command-budget=2s");
    seeded.withPropertyValues("HOSTNAME=pod-7").run(context ->
        assertThat(context.getBean(FleetCoordinator.class).replicaId()).isEqualTo("pod-7"));
    seeded.withPropertyValues("HOSTNAME=").run(context ->
        assertThat(context.getBean(FleetCoordinator.class).replicaId()).matches("replica-[0-9a-f]{8}"));
    seeded.withPropertyValues("HOSTNAME=not a replica id").run(context ->
        assertThat(context.getBean(FleetCoordinator.class).replicaId()).matches("replica-[0-9a-f]{8}"));
    seeded.withPropertyValues("HOSTNAME=pod-7", "headroom.fleet.replica-id=chosen").run(context ->
        assertThat(context.getBean(FleetCoordinator.class).replicaId()).isEqualTo("chosen"));
  }

  static Stream<Arguments> badValues() {
    String host = redis == null ? "127.0.0.1:1" : redis.uris().get(0).getHost() + ":" + redis.uris().get(0).getPort();
    return Stream.of(
        Arguments.of("headroom.fleet.publish-interval=-1s", "headroom.fleet.publish-interval", "must be > 0"),
        Arguments.of("headroom.fleet.permit-ttl=0s", "headroom.fleet.permit-ttl", "must be > 0"),
        Arguments.of("headroom.fleet.permit-ttl=2ms", "headroom.fleet.permit-ttl", "must be >= 3 ms"),
        Arguments.of("headroom.fleet.command-budget=-5ms", "headroom.fleet.command-budget", "must be > 0"),
        Arguments.of("headroom.fleet.connect-timeout=0s", "headroom.fleet.connect-timeout", "must be > 0"),
        Arguments.of("headroom.fleet.replica-id=", "headroom.fleet.replica-id", "letters, digits"),
        Arguments.of("headroom.fleet.replica-id=a b", "headroom.fleet.replica-id", "letters, digits"),
        Arguments.of("headroom.fleet.key-prefix=a:b", "headroom.fleet.key-prefix", "letters, digits"),
        Arguments.of("headroom.fleet.seeds=http://" + host, "headroom.fleet.seeds[0]", "redis://host:port"),
        Arguments.of("headroom.fleet.seeds=redis://:" + SECRET + "@", "headroom.fleet.seeds[0]",
            "redis://host:port"),
        Arguments.of("headroom.fleet.seeds=redis://:" + SECRET + "@" + host + ",redis://:other@" + host,
            "headroom.fleet.seeds", "other credentials"),
        Arguments.of("headroom.fleet.username=app", "headroom.fleet.username", "needs headroom.fleet.password"),
        Arguments.of("headroom.fleet.use-cache-cluster=true", "headroom.fleet.use-cache-cluster",
            "must not be set together with headroom.fleet.seeds"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsPropertyBeforeAnythingConnects(String value, String property,
      String requirement) throws Exception {
    String output = Output.of(() -> runner.withPropertyValues(fleet(prefix(), "bad")).withPropertyValues(value)
        .run(context -> assertFailedNaming(context, property, requirement, SECRET)));
    assertThat(output).doesNotContain(SECRET).doesNotContain("headroom.fleet: RedisFleet");
  }

  @Test
  void enabledWithoutAClusterAndTheCacheClusterWithoutACacheAreNamed() {
    runner.withPropertyValues("headroom.fleet.enabled=true").run(context ->
        assertFailedNaming(context, "headroom.fleet.seeds", "must name at least one redis://host:port"));
    runner.withPropertyValues("headroom.fleet.use-cache-cluster=true").run(context ->
        assertFailedNaming(context, "headroom.fleet.use-cache-cluster", "needs the CacheCluster of headroom.cache"));
  }

  @Test
  void theApplicationsOwnCoordinatorWinsAndReportsItsHealth() {
    RecordingCoordinator mine = new RecordingCoordinator();
    runner.withPropertyValues(fleet(prefix(), "ignored")).withPropertyValues(STRICT_POOL)
        .withBean("myFleet", FleetCoordinator.class, () -> mine).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(FleetCoordinator.class).doesNotHaveBean(RedisFleet.class);
          assertThat(context.getBean(HeadroomPools.class).get("shared").config().coordinator()).isSameAs(mine);
          Health health = fleetHealth(context);
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("replicaId", "mine").containsEntry("liveReplicas", 3);
          mine.degraded = true;
          assertThat(fleetHealth(context).getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
          assertThat(fleetHealth(context).getDetails()).containsEntry("degraded", true);
        });
  }

  @Test
  void everyPoolAndFacadeTheStarterBuildsJoinsTheCoordinatorAndClosesBeforeIt() {
    RecordingCoordinator mine = new RecordingCoordinator();
    runner.withConfiguration(AutoConfigurations.of(HeadroomLlmAutoConfiguration.class,
            HeadroomNpuAutoConfiguration.class))
        .withBean("myFleet", FleetCoordinator.class, () -> mine)
        .withPropertyValues(STRICT_POOL)
        .withPropertyValues("headroom.routers.chat.tiers[0].pool=shared",
            "headroom.llm.nodes[0].id=gpu-1", "headroom.llm.nodes[0].uri=http://127.0.0.1:9",
            "headroom.llm.discover-on-build=false", "headroom.llm.health-check-interval=0s",
            "headroom.llm.strict-node-caps=true",
            "headroom.npu.workers[0].id=npu-1", "headroom.npu.workers[0].uri=http://127.0.0.1:9")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Pool shared = context.getBean(HeadroomPools.class).get("shared");
          LlmRouter llm = context.getBean(LlmRouter.class);
          EmbeddingPool embeddings = context.getBean(EmbeddingPool.class);
          Pool workers = embeddings.localPool().orElseThrow();
          assertThat(shared.config().coordinator()).isSameAs(mine);
          assertThat(llm.localPool().config().coordinator()).isSameAs(mine);
          assertThat(llm.localPool().config().strictCaps()).as("headroom.llm.strict-node-caps").isTrue();
          assertThat(workers.config().coordinator()).isSameAs(mine);
          assertThat(mine.joined).containsExactlyInAnyOrder("shared", llm.localPool().name(), workers.name());
          for (String bean : List.of("headroomPools", "headroomLlmRouter", "headroomEmbeddingPool")) {
            assertThat(context.getBeanFactory().getDependentBeans("myFleet"))
                .as("%s closes before the coordinator", bean).contains(bean);
          }
          Lease lease = shared.tryAcquire(Selector.any()).orElseThrow();
          assertThat(mine.permitsAsked).as("strict-caps: a global permit per lease").containsExactly("e1");
          lease.close();
        });
    List<String> events = new ArrayList<>(mine.events);
    assertThat(events).last().isEqualTo("close");
    assertThat(events).filteredOn(e -> e.startsWith("leave:")).hasSize(3);
  }

  @Test
  void theBrowserPoolJoinsTheCoordinator(@TempDir Path dir) throws Exception {
    // no browser is needed to see the pool join: one that exits at once fails the start after the pool joined
    Path broken = dir.resolve("broken-chromium");
    Files.writeString(broken, "#!/bin/sh\necho 'no display here' >&2; exit 3\n");
    Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
    RecordingCoordinator mine = new RecordingCoordinator();
    runner.withConfiguration(AutoConfigurations.of(HeadroomBrowserAutoConfiguration.class))
        .withBean("myFleet", FleetCoordinator.class, () -> mine)
        .withPropertyValues("headroom.browser.name=render", "headroom.browser.hosts[0].id=b1",
            "headroom.browser.hosts[0].executable=" + broken, "headroom.browser.launch-timeout=10s")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(StartupFailures.find(context.getStartupFailure(), BrowserLaunchException.class)).isNotNull();
        });
    assertThat(mine.joined).containsExactly("render");
    assertThat(mine.events).contains("leave:render");
  }

  private static Health fleetHealth(AssertableApplicationContext context) {
    return ((HealthIndicator) context.getBean("headroomFleetHealthContributor")).health();
  }

  /** A coordinator of the application's own: this process alone, recording what the pools ask of it. */
  static final class RecordingCoordinator implements FleetCoordinator {
    final List<String> joined = new CopyOnWriteArrayList<>();
    final List<String> permitsAsked = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile boolean degraded;

    @Override
    public String replicaId() {
      return "mine";
    }

    @Override
    public PoolLink join(String pool, PoolMember member) {
      joined.add(pool);
      PoolLink local = FleetCoordinator.local().join(pool, member);
      return new PoolLink() {
        @Override
        public boolean tryAcquire(String endpoint, int cap) {
          permitsAsked.add(endpoint);
          return local.tryAcquire(endpoint, cap);
        }

        @Override
        public void release(String endpoint) {
          local.release(endpoint);
        }

        @Override
        public int held(String endpoint) {
          return local.held(endpoint);
        }

        @Override
        public void close() {
          events.add("leave:" + pool);
          local.close();
        }
      };
    }

    @Override
    public RateLimiter rateLimit(String name, long tokens, Duration period) {
      return FleetCoordinator.local().rateLimit(name, tokens, period);
    }

    @Override
    public SharedWindow window(String name, Duration window, int slices) {
      return FleetCoordinator.local().window(name, window, slices);
    }

    @Override
    public int liveReplicas() {
      return 3;
    }

    @Override
    public boolean degraded() {
      return degraded;
    }

    @Override
    public void close() {
      events.add("close");
    }
  }
}
