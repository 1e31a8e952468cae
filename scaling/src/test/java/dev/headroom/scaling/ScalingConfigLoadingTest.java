package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScalingConfigLoadingTest {

  @Test
  void yamlMapsOntoTheSameRulesAsTheBuilders() {
    ScalingConfig config = ScalingConfig.fromYaml("""
        sampleInterval: 5s
        zone: Europe/Berlin
        rules:
          - name: latency
            service: backend
            metric: {timer: headroom.latency, percentile: 95%, tags: {pool: backend}, window: 2m}
            above: {warning: 500ms, critical: 2s}
            for: 1m30s
            cooldown: PT5M
            hysteresis: 100ms
          - name: idle
            service: backend
            metric: {gauge: headroom.queue.depth, aggregate: max}
            below: 10
            for: 15m
        vetoes:
          - name: vram
            services: [worker-llm]
            metric: {gauge: gpu.vram.headroom, aggregate: min}
            below: 20%
            blocks: up
        schedules:
          - name: night
            service: backend
            days: [MON, tuesday]
            from: 22:00
            to: "06:00"
            scaleDownTo: 1
        """);
    assertThat(config.sampleInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.zone()).contains(ZoneId.of("Europe/Berlin"));
    ScalingRule latency = config.rule("latency").orElseThrow();
    assertThat(latency.metric()).isEqualTo(new MetricSource.Percentile(
        MeterQuery.of("headroom.latency", "pool", "backend"), 0.95, Duration.ofMinutes(2)));
    assertThat(latency.comparison()).isEqualTo(Comparison.ABOVE);
    assertThat(latency.warning()).isEqualTo(0.5);
    assertThat(latency.critical()).hasValue(2.0);
    assertThat(latency.forDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(latency.cooldown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(latency.hysteresis()).isEqualTo(0.1);
    assertThat(latency.direction()).isEqualTo(ScaleDirection.UP);
    ScalingRule idle = config.rule("idle").orElseThrow();
    assertThat(idle.direction()).as("below defaults to down").isEqualTo(ScaleDirection.DOWN);
    assertThat(((MetricSource.GaugeValue) idle.metric()).aggregation()).isEqualTo(MetricSource.Aggregation.MAX);
    VetoRule vram = config.vetoes().get(0);
    assertThat(vram.threshold()).isEqualTo(0.2);
    assertThat(vram.appliesTo("worker-llm")).isTrue();
    assertThat(vram.appliesTo("backend")).isFalse();
    ScalingSchedule night = config.schedules().get(0);
    assertThat(night.from()).isEqualTo(LocalTime.of(22, 0));
    assertThat(night.days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY);
    assertThat(night.replicas()).isEqualTo(1);
    assertThat(night.direction()).isEqualTo(ScaleDirection.DOWN);
  }

  @Test
  void jsonWorksWithDatabindAlone() {
    ScalingConfig config = ScalingConfig.fromJson("""
        {"rules": [{"name": "errors", "service": "app", "above": "5%", "for": "2m",
          "metric": {"ratio": {"numerator": {"name": "headroom.requests", "tags": {"outcome": "failure"}},
                               "denominator": {"name": "headroom.requests"}}}}]}
        """);
    ScalingRule errors = config.rules().get(0);
    assertThat(errors.warning()).isEqualTo(0.05);
    assertThat(errors.metric()).isEqualTo(MetricSource.ratio(MeterQuery.of("headroom.requests", "outcome", "failure"),
        MeterQuery.of("headroom.requests")));
  }

  @Test
  void badSettingsAreNamedByTheirPath() {
    assertError("rules: [{name: a, service: s, metric: {gauge: g}, above: 1, cooldwn: 5m}]",
        "rules[0].cooldwn");
    assertError("rules: [{name: a, service: s, metric: {gauge: g}, above: 1, for: soon}]", "rules[0].for");
    assertError("rules: [{name: a, service: s, metric: {gauge: g}, above: {warning: 5, critical: 2}}]",
        "critical threshold");
    assertError("rules: [{name: a, service: s, metric: {gauge: g, timer: t}, above: 1}]", "rules[0].metric");
    assertError("rules: [{name: a, service: s, metric: {timer: t}, above: 1}]", "rules[0].metric.percentile");
    assertError("rules: [{name: a, metric: {gauge: g}, above: 1}]", "rule 'a': service");
    assertError("rules: [{name: a, service: s, metric: {gauge: g}, above: 1, below: 2}]", "above/below");
    assertError("schedules: [{name: n, service: s, from: '25:00', to: '06:00', scaleDownTo: 1}]",
        "schedules[0].from");
    assertError("schedules: [{name: n, service: s, from: '01:00', to: '06:00', days: [Someday], scaleUpTo: 2}]",
        "schedules[0].days");
    assertError("vetoes: [{name: v, metric: {gauge: g}, below: 1, blocks: sideways}]", "vetoes[0].blocks");
    assertError("rules: [{name: a, service: s, metric: {gauge: g}, above: 1}, "
        + "{name: a, service: t, metric: {gauge: g}, above: 1}]", "must be unique");
    assertError("rules: [ {name: a", "must be valid YAML");
  }

  private static void assertError(String yaml, String named) {
    assertThatThrownBy(() -> ScalingConfig.fromYaml(yaml)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(named);
  }

  @Test
  void unknownExtensionsAndUnreadableFilesAreConfigErrors() {
    assertThatThrownBy(() -> ScalingConfig.load(Path.of("rules.toml"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining(".yaml");
    assertThatThrownBy(() -> ScalingConfig.load(Path.of("/nonexistent/rules.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("readable");
  }

  @Test
  void withoutJacksonLoadingFailsWithAConfigExceptionNamingTheArtifact() throws Exception {
    URL scaling = ScalingConfig.class.getProtectionDomain().getCodeSource().getLocation();
    URL core = ConfigException.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader noJackson = new HidingClassLoader(new URL[] {scaling, core}, getClass().getClassLoader())) {
      Class<?> config = noJackson.loadClass(ScalingConfig.class.getName());
      assertThat(config).isNotSameAs(ScalingConfig.class);
      for (String[] call : new String[][] {{"fromYaml", "jackson-dataformat-yaml"}, {"fromJson", "jackson-databind"}}) {
        Throwable thrown = null;
        try {
          config.getMethod(call[0], String.class).invoke(null, "rules: []");
        } catch (InvocationTargetException e) {
          thrown = e.getCause();
        }
        assertThat(thrown).isNotNull();
        assertThat(thrown.getClass().getName()).isEqualTo(ConfigException.class.getName());
        assertThat(thrown.getMessage()).contains(call[1]).contains("optional dependency");
      }
    }
  }

  /** Loads Headroom's classes itself (child first) and pretends Jackson is not there. */
  private static final class HidingClassLoader extends URLClassLoader {
    HidingClassLoader(URL[] classes, ClassLoader parent) {
      super(classes, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.startsWith("com.fasterxml.jackson.")) {
          throw new ClassNotFoundException(name);
        }
        if (name.startsWith("dev.headroom.")) {
          Class<?> c = findLoadedClass(name);
          if (c == null) {
            c = findClass(name);
          }
          return c;
        }
        return super.loadClass(name, resolve);
      }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      return name.startsWith("com/fasterxml/") ? null : super.getResourceAsStream(name);
    }
  }

  @Test
  void durationsAndQuantities() throws IOException {
    assertThat(UnitParser.duration("d", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(UnitParser.duration("d", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(UnitParser.duration("d", "2d")).isEqualTo(Duration.ofDays(2));
    assertThat(UnitParser.duration("d", "PT3M")).isEqualTo(Duration.ofMinutes(3));
    assertThat(UnitParser.quantity("q", "20%")).isEqualTo(0.2);
    assertThat(UnitParser.quantity("q", "4s")).isEqualTo(4.0);
    assertThat(UnitParser.quantity("q", "1.5e3")).isEqualTo(1500.0);
    assertThatThrownBy(() -> UnitParser.duration("cooldown", "")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> UnitParser.duration("cooldown", "5 parsecs")).hasMessageContaining("cooldown");
    assertThatThrownBy(() -> UnitParser.quantity("above", "lots")).hasMessageContaining("above");
  }
}
