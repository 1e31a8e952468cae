package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.route.RetryBudget;
import dev.headroom.core.route.Router;
import dev.headroom.core.route.Tier;
import dev.headroom.core.time.Ticker;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

  private static PoolConfig.Builder valid() {
    return PoolConfig.builder("ollama").endpoint(Endpoint.of("gpu-1", URI.create("http://gpu-1"), 2));
  }

  @Test
  void badEndpointsNameTheSettingAndTheValue() {
    assertThatThrownBy(() -> Endpoint.builder("gpu-1").maxConcurrency(-2).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("endpoint 'gpu-1': maxConcurrency must be >= 1 but was -2");
    assertThatThrownBy(() -> Endpoint.builder("gpu-1").weight(0).build())
        .hasMessageContaining("endpoint 'gpu-1': weight").hasMessageContaining("but was 0.0");
    assertThatThrownBy(() -> Endpoint.builder(" ").build()).hasMessageContaining("endpoint id");
  }

  @Test
  void badPoolsNameTheSetting() {
    assertThatThrownBy(() -> PoolConfig.builder("empty").build())
        .isInstanceOfSatisfying(ConfigException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.setting()).isEqualTo("pool 'empty': endpoints"))
        .hasMessageContaining("must list at least one endpoint");
    assertThatThrownBy(() -> valid().latencyHalfLife(Duration.ZERO).build())
        .hasMessage("pool 'ollama': latencyHalfLife must be > 0 but was PT0S");
    assertThatThrownBy(() -> valid().maxWaiters(-1).build())
        .hasMessage("pool 'ollama': maxWaiters must be >= 0 but was -1");
    assertThatThrownBy(() -> valid().endpoint(Endpoint.of("gpu-1", URI.create("http://x"), 1)).build())
        .hasMessageContaining("endpoint id must be unique in the pool but was gpu-1");
    assertThatThrownBy(() -> PoolConfig.builder("").build()).hasMessageContaining("pool name");
  }

  @Test
  void badIssue17PoolSettingsNameTheSetting() {
    assertThatThrownBy(() -> valid().panicThreshold(1.5).build())
        .hasMessage("pool 'ollama': panicThreshold must be in [0, 1] but was 1.5");
    assertThatThrownBy(() -> valid().maxRetryAfter(Duration.ZERO).build())
        .hasMessage("pool 'ollama': maxRetryAfter must be > 0 but was PT0S");
    assertThatThrownBy(() -> valid().leakDetectionThreshold(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("pool 'ollama': leakDetectionThreshold must be >= 0 (0: off)");
  }

  @Test
  void badOutlierAndHealthSettingsNameTheSetting() {
    assertThatThrownBy(() -> OutlierDetection.builder().maxEjectionShare(1.5).build())
        .hasMessage("outlierDetection.maxEjectionShare must be in [0, 1] but was 1.5");
    assertThatThrownBy(() -> OutlierDetection.builder().baseEjectionTime(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("outlierDetection.baseEjectionTime must be > 0");
    assertThatThrownBy(() -> OutlierDetection.builder().baseEjectionTime(Duration.ofMinutes(10)).build())
        .hasMessageContaining("outlierDetection.maxEjectionTime must be >= baseEjectionTime");
    assertThatThrownBy(() -> HealthCheck.builder(e -> null).jitter(1).build())
        .hasMessageContaining("healthCheck.jitter");
    assertThatThrownBy(() -> HealthCheck.builder(e -> null).unhealthyThreshold(0).build())
        .hasMessageContaining("healthCheck.unhealthyThreshold must be >= 1 but was 0");
  }

  @Test
  void badRoutersNameTheSetting() {
    Pool pool = Pool.create(valid().build());
    assertThatThrownBy(() -> Router.builder("r").build()).hasMessageContaining("router 'r': tiers");
    assertThatThrownBy(() -> Router.builder("r").tier("a", pool, Duration.ZERO).tier("a", pool, Duration.ZERO)
        .build()).hasMessageContaining("tier name must be unique but was a");
    assertThatThrownBy(() -> new Tier("a", pool, Duration.ofMillis(-1)))
        .hasMessage("tier 'a': waitBudget must be >= 0 but was PT-0.001S");
    assertThatThrownBy(() -> Router.builder("r").tier("a", pool, Duration.ZERO).maxAttempts(0).build())
        .hasMessageContaining("maxAttempts must be >= 1 but was 0");
    assertThatThrownBy(() -> RetryBudget.create(Duration.ofSeconds(10), 10, 1.5, Ticker.system()))
        .hasMessageContaining("retryBudget.percentCanRetry");
  }
}
