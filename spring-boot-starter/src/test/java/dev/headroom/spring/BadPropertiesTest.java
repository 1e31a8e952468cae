package dev.headroom.spring;

import static dev.headroom.spring.StartupFailures.assertFailedNaming;
import static dev.headroom.spring.StartupFailures.find;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.ConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad value fails startup with a {@link ConfigException} that names the full property. */
class BadPropertiesTest {
  static final String[] VALID = {
      "headroom.pools.ollama.endpoints[0].id=gpu-1",
      "headroom.pools.ollama.endpoints[0].uri=http://10.0.0.5:11434",
      "headroom.pools.ollama.endpoints[1].id=gpu-2",
      "headroom.pools.ollama.endpoints[1].uri=http://10.0.0.6:11434",
      "headroom.routers.chat.tiers[0].pool=ollama",
  };

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class))
      .withPropertyValues(VALID);

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("headroom.pools.ollama.endpoints[1].max-concurrency=0",
            "headroom.pools.ollama.endpoints[1].max-concurrency", "must be >= 1"),
        Arguments.of("headroom.pools.ollama.endpoints[0].weight=-1",
            "headroom.pools.ollama.endpoints[0].weight", "must be a finite number > 0"),
        Arguments.of("headroom.pools.ollama.endpoints[1].id=gpu-1",
            "headroom.pools.ollama.endpoints[1].id", "must be unique in the pool"),
        Arguments.of("headroom.pools.ollama.max-waiters=-1", "headroom.pools.ollama.max-waiters", "must be >= 0"),
        Arguments.of("headroom.pools.ollama.latency-half-life=0s", "headroom.pools.ollama.latency-half-life",
            "must be > 0"),
        Arguments.of("headroom.pools.ollama.panic-threshold=1.5", "headroom.pools.ollama.panic-threshold",
            "must be in [0, 1]"),
        Arguments.of("headroom.pools.ollama.leak-detection-threshold=-1s",
            "headroom.pools.ollama.leak-detection-threshold", "must be >= 0"),
        Arguments.of("headroom.pools.ollama.outlier-detection.max-ejection-share=2",
            "headroom.pools.ollama.outlier-detection.max-ejection-share", "must be in [0, 1]"),
        Arguments.of("headroom.pools.ollama.outlier-detection.max-ejection-time=1s",
            "headroom.pools.ollama.outlier-detection.max-ejection-time", "must be >= baseEjectionTime"),
        Arguments.of("headroom.pools.ollama.health-check.path=/health,headroom.pools.ollama.health-check.unhealthy-threshold=0",
            "headroom.pools.ollama.health-check.unhealthy-threshold", "must be >= 1"),
        Arguments.of("headroom.pools.ollama.health-check.path=health",
            "headroom.pools.ollama.health-check.path", "must start with '/'"),
        Arguments.of("headroom.pools.ollama.tier= ", "headroom.pools.ollama.tier", "must be non-empty"),
        Arguments.of("headroom.pools.empty.max-waiters=3", "headroom.pools.empty.endpoints", "at least one"),
        Arguments.of("headroom.routers.chat.tiers[0].pool=nope", "headroom.routers.chat.tiers[0].pool",
            "must name a pool of headroom.pools or a Pool bean [ollama]"),
        Arguments.of("headroom.routers.chat.tiers[0].wait-budget=-1s", "headroom.routers.chat.tiers[0].wait-budget",
            "must be >= 0"),
        Arguments.of("headroom.routers.chat.tiers[1].pool=ollama", "headroom.routers.chat.tiers[1].pool",
            "must be a tier name not used before"),
        Arguments.of("headroom.routers.chat.max-attempts=0", "headroom.routers.chat.max-attempts", "must be >= 1"),
        Arguments.of("headroom.routers.chat.retry-budget.percent-can-retry=1.5",
            "headroom.routers.chat.retry-budget.percent-can-retry", "must be in [0, 1]"),
        Arguments.of("headroom.routers.other.max-attempts=2", "headroom.routers.other.tiers", "at least one tier"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void aBadValueFailsStartupNamingItsProperty(String properties, String property, String requirement) {
    runner.withPropertyValues(properties.split(",")).run(context -> {
      assertFailedNaming(context, property, requirement);

      FailureAnalysis analysis = new HeadroomConfigFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains(property);
      assertThat(analysis.getAction()).startsWith("Change " + property);
    });
  }

  @Test
  void aValueOfTheWrongTypeFailsBindingNamingItsProperty() {
    runner.withPropertyValues("headroom.pools.ollama.max-waiters=lots").run(context -> {
      assertThat(context).hasFailed();
      BindException e = find(context.getStartupFailure(), BindException.class);
      assertThat(e).isNotNull();
      assertThat(e.getProperty().getName().toString()).isEqualTo("headroom.pools.ollama.max-waiters");
    });
  }

  @Test
  void anUnknownPickerFailsBindingNamingItsProperty() {
    runner.withPropertyValues("headroom.pools.ollama.picker=fastest").run(context -> {
      BindException e = find(context.getStartupFailure(), BindException.class);
      assertThat(e.getProperty().getName().toString()).isEqualTo("headroom.pools.ollama.picker");
    });
  }

  @Test
  void coreSettingPathsMapToPropertyNames() {
    String g = "headroom.x";
    assertThat(mapped(g, "", "pool 'x'", "maxWaiters")).isEqualTo(g + ".max-waiters");
    assertThat(mapped(g, "", "endpoint 'gpu-1'", "maxConcurrency")).isEqualTo(g + ".max-concurrency");
    assertThat(mapped(g, "", "ollama node", "id")).isEqualTo(g + ".id");
    assertThat(mapped(g, "outlierDetection", "", "outlierDetection.failureRateMinRequests"))
        .isEqualTo(g + ".failure-rate-min-requests");
    assertThat(mapped(g, "", "", "outlierDetection.failureRateMinRequests"))
        .isEqualTo(g + ".outlier-detection.failure-rate-min-requests");
    assertThat(mapped(g, "", "", "rules[2].metric.ratio.numerator.name"))
        .isEqualTo(g + ".rules[2].metric.ratio.numerator.name");
    assertThat(mapped(g, "", "", "schedules[0].scaleDownTo/scaleUpTo"))
        .isEqualTo(g + ".schedules[0].scale-down-to/scale-up-to");
    assertThat(mapped(g + ".rules[1]", "rules[0]", "", "rules[0].above.critical"))
        .isEqualTo(g + ".rules[1].above.critical");
    assertThat(mapped(g, "", "browser host 'vm-1'", "maxSessions")).isEqualTo(g + ".max-sessions");
    assertThat(mapped(g, "", "llm router 'chat'", "localWaitBudget")).isEqualTo(g + ".local-wait-budget");
    assertThat(mapped(g, "", "ollama node 'gpu-1'", "numParallel")).isEqualTo(g + ".num-parallel");
    assertThat(mapped(g, "", "'orders-db'", "maxLag")).isEqualTo(g + ".max-lag");
    assertThat(mapped(g, "", "cloud 'https://api.example'", "apiKey")).isEqualTo(g + ".api-key");
    assertThat(mapped(g, "", "llm router 'chat'", "remoteNodes[2].id")).isEqualTo(g + ".remote-nodes[2].id");
    assertThat(mapped(g, "retryBudget", "", "retryBudget")).isEqualTo(g);
    // the subject is for the message only: whatever it says, the property comes from the path
    assertThat(mapped(g, "", "pool 'a': endpoint 'b'", "weight")).isEqualTo(g + ".weight");
  }

  private static String mapped(String group, String covered, String subject, String path) {
    ConfigException e = PropertyErrors.translate(group, covered, new ConfigException(subject, path, 0, "must be 1"));
    assertThat(e.requirement()).isEqualTo("must be 1");
    assertThat(e.value()).isEqualTo("0");
    return e.setting();
  }

}
