package dev.headroom.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.BackendException;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomRouters;
import dev.headroom.testkit.FakeBackend;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The per-pool health indicator, driven by real calls to real (loopback) backends. */
class PoolHealthTest {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  FakeBackend a;
  FakeBackend b;
  ApplicationContextRunner runner;

  @BeforeEach
  void start() {
    a = FakeBackend.builder("a").latency(dev.headroom.testkit.LatencyModel.fixed(Duration.ofMillis(1))).start();
    b = FakeBackend.builder("b").latency(dev.headroom.testkit.LatencyModel.fixed(Duration.ofMillis(1))).start();
    runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class,
            HeadroomHealthAutoConfiguration.class))
        .withPropertyValues(
            "headroom.pools.backends.endpoints[0].id=a",
            "headroom.pools.backends.endpoints[0].uri=" + a.uri(),
            "headroom.pools.backends.endpoints[0].max-concurrency=4",
            "headroom.pools.backends.endpoints[1].id=b",
            "headroom.pools.backends.endpoints[1].uri=" + b.uri(),
            "headroom.pools.backends.endpoints[1].max-concurrency=4",
            "headroom.pools.backends.picker=round-robin",
            "headroom.pools.backends.circuit-breaker.enabled=false",
            "headroom.pools.backends.outlier-detection.consecutive-failures=2",
            "headroom.pools.backends.outlier-detection.base-ejection-time=10m",
            "headroom.pools.backends.outlier-detection.max-ejection-time=10m",
            "headroom.routers.work.tiers[0].pool=backends");
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  @Test
  void aKilledBackendIsEjectedAndThePoolReportsDegradedWithTheEndpointsDetail() {
    runner.run(context -> {
      HealthIndicator pool = indicator(context.getBean("headroomHealthContributor", HealthContributor.class));
      assertThat(pool.health().getStatus()).isEqualTo(Status.UP);

      b.kill();
      Router router = context.getBean(HeadroomRouters.class).get("work");
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        assertThat(call(router)).isEqualTo("a"); // every request still served, by a
        return endpoint(pool.health(), "b").get("health").equals("EJECTED");
      });

      Health health = pool.health();
      assertThat(health.getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
      assertThat(health.getDetails()).containsEntry("eligible", "1/2").containsEntry("inFlight", 0);
      assertThat(endpoint(health, "b")).containsEntry("ejections", 1).containsEntry("draining", false)
          .containsEntry("limit", 4).containsEntry("uri", b.uri().toString());
      assertThat(endpoint(health, "a")).containsEntry("health", "UP");
    });
  }

  @Test
  void whenProbesFindNoEndpointHealthyThePoolIsDown() {
    runner.withPropertyValues("headroom.pools.backends.health-check.path=/health",
        "headroom.pools.backends.health-check.interval=100ms",
        "headroom.pools.backends.health-check.unhealthy-threshold=1").run(context -> {
          HealthIndicator pool = indicator(context.getBean("headroomHealthContributor", HealthContributor.class));
          a.unhealthy(true);
          b.kill();
          await().atMost(Duration.ofSeconds(20)).until(() -> pool.health().getStatus().equals(Status.DOWN));
          assertThat(endpoint(pool.health(), "a")).containsEntry("health", "DOWN");
          assertThat(endpoint(pool.health(), "b")).containsEntry("health", "DOWN");
          assertThat(pool.health().getDetails()).containsEntry("eligible", "0/2");

          a.unhealthy(false);
          await().atMost(Duration.ofSeconds(20))
              .until(() -> pool.health().getStatus().equals(PoolHealthIndicator.DEGRADED));
        });
  }

  @Test
  void absentWithoutSpringBootHealthOrWhenSwitchedOff() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean("headroomHealthContributor"));
    runner.withPropertyValues("management.health.headroom.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean("headroomHealthContributor"));
  }

  @Test
  void userInfoInAnEndpointUriNeverReachesTheReport() {
    assertThat(PoolHealthIndicator.withoutUserInfo(java.net.URI.create("https://user:secret@api.example:8443/v1")))
        .isEqualTo("https://api.example:8443/v1");
  }

  private String call(Router router) {
    return router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      HttpRequest request = HttpRequest.newBuilder(lease.endpoint().uri().resolve("/work"))
          .timeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BackendException(lease.endpoint().id(), response.statusCode(), "status", response.body(), null);
      }
      return response.body().contains("\"backend\":\"a\"") ? "a" : "b";
    });
  }

  private static HealthIndicator indicator(HealthContributor contributor) {
    HealthContributor child = ((CompositeHealthContributor) contributor).getContributor("backends");
    return (HealthIndicator) child;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> endpoint(Health health, String id) {
    return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("endpoints")).get(id);
  }
}
