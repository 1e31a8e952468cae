package dev.headroom.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.Lease;
import dev.headroom.core.Pool;
import dev.headroom.scaling.AdvisorState;
import dev.headroom.scaling.RuleStatus;
import dev.headroom.scaling.ScalingAdvisor;
import dev.headroom.scaling.ScalingListener;
import dev.headroom.scaling.ScalingSignal;
import dev.headroom.spring.actuate.HeadroomInfoAutoConfiguration;
import dev.headroom.spring.actuate.HeadroomInfoContributor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** headroom.scaling.*: inline rules and files through core's parser, an advisor on the app's registry, info. */
class ScalingAutoConfigurationTest {
  static final String[] POOL = {
      "headroom.pools.ollama.endpoints[0].id=gpu-1",
      "headroom.pools.ollama.endpoints[0].uri=http://10.0.0.5:11434",
      "headroom.pools.ollama.endpoints[0].max-concurrency=4",
  };
  static final String[] INLINE = {
      "headroom.scaling.sample-interval=1h",
      "headroom.scaling.zone=Europe/Berlin",
      "headroom.scaling.rules[0].name=ollama-busy",
      "headroom.scaling.rules[0].service=ollama",
      "headroom.scaling.rules[0].metric.gauge=headroom.inflight",
      "headroom.scaling.rules[0].metric.tags.pool=ollama",
      "headroom.scaling.rules[0].above=1",
      "headroom.scaling.rules[0].cooldown=3m",
      "headroom.scaling.rules[1].name=ollama-p95",
      "headroom.scaling.rules[1].service=ollama",
      "headroom.scaling.rules[1].metric.timer=headroom.latency",
      "headroom.scaling.rules[1].metric.percentile=0.95",
      "headroom.scaling.rules[1].metric.tags.pool=ollama",
      "headroom.scaling.rules[1].above.warning=500ms",
      "headroom.scaling.rules[1].above.critical=2s",
      "headroom.scaling.rules[1].for=1m",
      "headroom.scaling.vetoes[0].name=vram",
      "headroom.scaling.vetoes[0].metric.gauge=gpu.vram.headroom",
      "headroom.scaling.vetoes[0].metric.aggregate=min",
      "headroom.scaling.vetoes[0].below=20%",
      "headroom.scaling.schedules[0].name=night",
      "headroom.scaling.schedules[0].service=ollama",
      "headroom.scaling.schedules[0].from=01:00",
      "headroom.scaling.schedules[0].to=06:00",
      "headroom.scaling.schedules[0].days=MON,TUE",
      "headroom.scaling.schedules[0].scale-down-to=1",
  };

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class,
          HeadroomScalingAutoConfiguration.class, HeadroomInfoAutoConfiguration.class))
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
      .withPropertyValues(POOL);

  @Test
  void inlineRulesBuildAnAdvisorOnTheApplicationsRegistryThatFiresOnThePoolsMeters() {
    List<ScalingSignal> signals = new CopyOnWriteArrayList<>();
    runner.withPropertyValues(INLINE).withBean(ScalingListener.class, () -> signals::add).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(ScalingAdvisor.class);
      ScalingAdvisor advisor = context.getBean(ScalingAdvisor.class);
      assertThat(advisor.config().rules()).extracting(r -> r.name()).containsExactly("ollama-busy", "ollama-p95");
      assertThat(advisor.config().rule("ollama-p95").orElseThrow().forDuration()).isEqualTo(Duration.ofMinutes(1));
      assertThat(advisor.config().vetoes()).hasSize(1);
      assertThat(advisor.config().schedules()).hasSize(1);
      assertThat(advisor.config().sampleInterval()).isEqualTo(Duration.ofHours(1));
      assertThat(advisor.config().zone()).contains(ZoneId.of("Europe/Berlin"));

      Pool ollama = context.getBean(HeadroomPools.class).get("ollama");
      Lease first = ollama.acquire(Duration.ofSeconds(1));
      Lease second = ollama.acquire(Duration.ofSeconds(1));
      advisor.evaluateNow(); // 2 in flight > 1
      AdvisorState state = advisor.state();
      assertThat(state.firing()).extracting(RuleStatus::rule).containsExactly("ollama-busy");
      // the signal is ours, or the scheduled sample's if it ran first: that one is delivered after its lock is
      // released, on the scheduler's thread, so wait for it within a bound
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(signals).extracting(ScalingSignal::rule).contains("ollama-busy"));

      Info.Builder info = new Info.Builder();
      context.getBean(HeadroomInfoContributor.class).contribute(info);
      @SuppressWarnings("unchecked")
      Map<String, Object> headroom = (Map<String, Object>) info.build().getDetails().get("headroom");
      @SuppressWarnings("unchecked")
      Map<String, Object> scaling = (Map<String, Object>) headroom.get("scaling");
      assertThat(scaling.get("firing")).isEqualTo(List.of("ollama-busy"));
      assertThat(headroom).containsKey("pools");
      first.success();
      second.success();
    });
  }

  @Test
  void aScalingFileLoadsAndInlineRulesAddToIt() {
    runner.withPropertyValues("headroom.scaling.file=file:../docs/scaling/seed-002-app.yaml",
        "headroom.scaling.rules[0].name=ollama-busy", "headroom.scaling.rules[0].service=ollama",
        "headroom.scaling.rules[0].metric.gauge=headroom.inflight", "headroom.scaling.rules[0].above=1")
        .run(context -> {
          assertThat(context).hasNotFailed();
          ScalingAdvisor advisor = context.getBean(ScalingAdvisor.class);
          assertThat(advisor.config().rules()).extracting(r -> r.name())
              .containsExactly("task-queue-high", "task-queue-low", "p95-latency-high", "p95-latency-low",
                  "error-rate", "ollama-busy");
          assertThat(advisor.config().vetoes()).isEmpty(); // seed 002's matrix puts no VRAM veto on the app
          assertThat(advisor.config().zone()).contains(ZoneId.of("UTC"));
          assertThat(advisor.config().bounds("app")).as("the file's service bounds are kept")
              .hasValueSatisfying(b -> assertThat(b.min()).isEqualTo(2));
        });
  }

  @Test
  void inlineDecisionsAndServiceBoundsReachTheAdvisor() {
    runner.withPropertyValues(INLINE).withPropertyValues(
        "headroom.scaling.decisions[0].name=busy-and-slow",
        "headroom.scaling.decisions[0].service=ollama",
        "headroom.scaling.decisions[0].when=ollama-busy,ollama-p95",
        "headroom.scaling.decisions[0].action=up",
        "headroom.scaling.decisions[0].priority=5",
        "headroom.scaling.services.ollama.min-replicas=1",
        "headroom.scaling.services.ollama.max-replicas=4",
        "headroom.scaling.services.ollama.step-up=50%").run(context -> {
          assertThat(context).hasNotFailed();
          ScalingAdvisor advisor = context.getBean(ScalingAdvisor.class);
          assertThat(advisor.config().decisions()).singleElement().satisfies(d -> {
            assertThat(d.when()).containsExactly("ollama-busy", "ollama-p95");
            assertThat(d.priority()).isEqualTo(5);
          });
          assertThat(advisor.config().bounds("ollama")).hasValueSatisfying(b -> {
            assertThat(b.max()).isEqualTo(4);
            assertThat(b.step(dev.headroom.scaling.ScaleDirection.UP, 4)).isEqualTo(2);
          });
        });
    runner.withPropertyValues(INLINE).withPropertyValues(
        "headroom.scaling.decisions[0].name=busy-and-slow",
        "headroom.scaling.decisions[0].service=ollama",
        "headroom.scaling.decisions[0].when=ollama-busy,nope",
        "headroom.scaling.decisions[0].action=up").run(context -> {
          assertThat(context).hasFailed();
          ConfigException e = StartupFailures.find(context.getStartupFailure(), ConfigException.class);
          assertThat(e.setting()).isEqualTo("headroom.scaling.decisions[0].when");
          assertThat(e.getMessage()).contains("nope");
        });
  }

  @Test
  void theAdvisorSamplesWithTheContextAndStopsWithIt() {
    runner.withPropertyValues(INLINE).withPropertyValues("headroom.scaling.sample-interval=50ms").run(context -> {
      ScalingAdvisor advisor = context.getBean(ScalingAdvisor.class);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> !advisor.state().at().equals(java.time.Instant.EPOCH));
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find("headroom.scaling.rule.state").tag("rule", "ollama-busy").gauge()).isNotNull();
      context.close();
      assertThat(registry.find("headroom.scaling.rule.state").gauges()).isEmpty();
    });
  }

  @Test
  void aThresholdThatYamlReadsAsANumberBindsAsTheWarningLevel() {
    Map<String, Object> yaml = new java.util.LinkedHashMap<>(); // a list binds from one property source only
    for (int i = 0; i < 2; i++) {
      yaml.put("headroom.scaling.rules[" + i + "].name", "r" + i);
      yaml.put("headroom.scaling.rules[" + i + "].service", "s");
      yaml.put("headroom.scaling.rules[" + i + "].metric.gauge", "g");
    }
    yaml.put("headroom.scaling.rules[0].above", 7);
    yaml.put("headroom.scaling.rules[1].above", 0.25);
    runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
            new org.springframework.core.env.MapPropertySource("yaml", yaml)))
        .run(context -> {
          assertThat(context).hasNotFailed();
          var rules = context.getBean(ScalingAdvisor.class).config().rules();
          assertThat(rules.get(0).warning()).isEqualTo(7.0);
          assertThat(rules.get(1).warning()).isEqualTo(0.25);
        });
  }

  @Test
  void absentWithoutScalingProperties() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ScalingAdvisor.class));
    runner.withPropertyValues(INLINE).withPropertyValues("headroom.scaling.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(ScalingAdvisor.class));
  }

  @Test
  void theApplicationsOwnAdvisorWins() {
    runner.withPropertyValues(INLINE)
        .withBean("mine", ScalingAdvisor.class, () -> ScalingAdvisor.builder(
            dev.headroom.scaling.ScalingConfig.builder().build(), new SimpleMeterRegistry()).build())
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(ScalingAdvisor.class);
          assertThat(context.getBean(ScalingAdvisor.class).config().rules()).isEmpty();
        });
  }

  @Test
  void withoutAMeterRegistryScalingFailsNamingWhatIsMissing() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeadroomScalingAutoConfiguration.class))
        .withPropertyValues(INLINE).run(context -> {
          ConfigException e = StartupFailures.find(context.getStartupFailure(), ConfigException.class);
          assertThat(e.setting()).isEqualTo("headroom.scaling");
          assertThat(e.getMessage()).contains("MeterRegistry");
        });
  }

  @Test
  void withoutTheActuatorThereIsNoInfoContribution() {
    runner.withPropertyValues(INLINE).withClassLoader(new FilteredClassLoader(InfoContributor.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ScalingAdvisor.class)
            .doesNotHaveBean(HeadroomInfoContributor.class));
  }

  @Test
  void aBadInlineValueFailsNamingItsProperty() {
    expectFailure("headroom.scaling.rules[1].above.critical=100ms", "headroom.scaling.rules[1].above.critical",
        "must be above the warning threshold");
    expectFailure("headroom.scaling.rules[0].for=soon", "headroom.scaling.rules[0].for", "must be a duration");
    expectFailure("headroom.scaling.rules[0].metric.aggregate=median", "headroom.scaling.rules[0].metric.aggregate",
        "must be one of sum, max, min, avg");
    expectFailure("headroom.scaling.schedules[0].scale-up-to=3", "headroom.scaling.schedules[0].scale-down-to/scale-up-to",
        "exactly one");
    expectFailure("headroom.scaling.vetoes[0].blocks=sideways", "headroom.scaling.vetoes[0].blocks",
        "must be up or down");
    expectFailure("headroom.scaling.zone=Mars/Olympus", "headroom.scaling.zone", "must be a time zone");
    expectFailure("headroom.scaling.file=classpath:nope.yaml", "headroom.scaling.file", "must name an existing");
  }

  @Test
  void aRuleNameUsedInTheFileAndInlineFailsNamingBoth() {
    runner.withPropertyValues("headroom.scaling.file=file:../docs/scaling/seed-002-app.yaml",
        "headroom.scaling.rules[0].name=error-rate", "headroom.scaling.rules[0].service=app",
        "headroom.scaling.rules[0].metric.gauge=g",
        "headroom.scaling.rules[0].above=1").run(context -> {
          ConfigException e = StartupFailures.find(context.getStartupFailure(), ConfigException.class);
          assertThat(e.setting()).isEqualTo("headroom.scaling.file and headroom.scaling.rules/vetoes/schedules/decisions");
          assertThat(e.value()).isEqualTo("error-rate");
        });
  }

  private void expectFailure(String property, String name, String requirement) {
    runner.withPropertyValues(INLINE).withPropertyValues(property).run(context -> {
      assertThat(context).hasFailed();
      ConfigException e = StartupFailures.find(context.getStartupFailure(), ConfigException.class);
      assertThat(e).as("ConfigException for %s in %s", property, context.getStartupFailure()).isNotNull();
      assertThat(e.setting()).isEqualTo(name);
      assertThat(e.getMessage()).contains(requirement);
    });
  }
}
