package dev.headroom.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.ConfigException;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MetricSourcesTest {

  @Test
  void histogramQuantileInterpolatesLinearlyInsideTheBucketAsPrometheusDoes() {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    buckets.put(0.1, 50.0);
    buckets.put(0.5, 90.0);
    buckets.put(1.0, 100.0);
    buckets.put(Double.POSITIVE_INFINITY, 100.0);
    assertThat(Percentiles.quantile(0.5, buckets)).isEqualTo(0.1);
    assertThat(Percentiles.quantile(0.7, buckets)).isCloseTo(0.3, Offset.offset(1e-12)); // 0.1 + 0.4 * 20/40
    assertThat(Percentiles.quantile(0.95, buckets)).isCloseTo(0.75, Offset.offset(1e-12));
    assertThat(Percentiles.quantile(0.25, buckets)).isCloseTo(0.05, Offset.offset(1e-12)); // from 0 in the first
    buckets.put(Double.POSITIVE_INFINITY, 200.0);
    assertThat(Percentiles.quantile(0.99, buckets)).as("in +Inf: the highest finite bound").isEqualTo(1.0);
    assertThat(Percentiles.quantile(0.5, new TreeMap<>())).isNaN();
  }

  @Test
  void aCumulativeHistogramIsReadOverTheWindowOnly() {
    VirtualTime time = new VirtualTime();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
        new VirtualMicrometerClock(time));
    Timer timer = Timer.builder("t").publishPercentileHistogram().register(registry);
    MetricReader p95 = MetricReader.of(MetricSource.percentile("t", 0.95).window(Duration.ofMinutes(1)));
    for (int s = 0; s < 600; s++) { // ten slow minutes: 3 s
      timer.record(3, TimeUnit.SECONDS);
      time.advance(Duration.ofSeconds(1));
      p95.read(registry, time.read());
    }
    assertThat(p95.read(registry, time.read())).isBetween(2.5, 3.6);
    for (int s = 0; s < 61; s++) { // one fast minute: 50 ms; since start, 91% of samples are still slow
      timer.record(50, TimeUnit.MILLISECONDS);
      time.advance(Duration.ofSeconds(1));
      p95.read(registry, time.read());
    }
    assertThat(p95.read(registry, time.read())).isBetween(0.04, 0.06);
  }

  @Test
  void ratesNeedTwoSamplesAndStartOverWhenACounterGoesBack() {
    VirtualTime time = new VirtualTime();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
        new VirtualMicrometerClock(time));
    var counter = registry.counter("c");
    MetricReader rate = MetricReader.of(MetricSource.rate("c").window(Duration.ofSeconds(10)));
    assertThat(rate.read(registry, time.read())).isNaN();
    for (int s = 0; s < 30; s++) {
      counter.increment(5);
      time.advance(Duration.ofSeconds(1));
      rate.read(registry, time.read());
    }
    assertThat(rate.read(registry, time.read() + 1)).as("no increase in the last ns").isGreaterThan(4.9);
    registry.remove(counter);
    assertThat(rate.read(registry, time.read() + 2)).isNaN();
  }

  @Test
  void buildersNameWhatIsWrong() {
    assertThatThrownBy(() -> ScalingRule.builder("r").metric(MetricSource.gauge("g")).above(1).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("rule 'r': service");
    assertThatThrownBy(() -> ScalingRule.builder("r").service("s").metric(MetricSource.gauge("g")).build())
        .hasMessageContaining("above/below");
    assertThatThrownBy(() -> ScalingRule.builder("r").service("s").metric(MetricSource.gauge("g")).below(10, 20)
        .build()).hasMessageContaining("critical threshold").hasMessageContaining("below");
    assertThatThrownBy(() -> ScalingRule.builder("r").service("s").metric(MetricSource.gauge("g")).above(1)
        .cooldown(Duration.ofSeconds(-1)).build()).hasMessageContaining("cooldown");
    assertThatThrownBy(() -> MetricSource.percentile("t", 95)).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> MetricSource.rate("c").window(Duration.ZERO)).hasMessageContaining("window");
    assertThatThrownBy(() -> MeterQuery.of("m", "odd")).hasMessageContaining("key/value");
    assertThatThrownBy(() -> ScalingSchedule.builder("s").service("x").between(LocalTime.NOON, LocalTime.NOON)
        .scaleDownTo(1).build()).hasMessageContaining("must differ");
    assertThatThrownBy(() -> ScalingConfig.builder().sampleInterval(Duration.ZERO).build())
        .hasMessageContaining("sampleInterval");
    assertThat(ScalingRule.builder("r").service("s").metric(MetricSource.percentile("t", 0.95)).above(
        Duration.ofMillis(500), Duration.ofSeconds(2)).build().toString())
        .isEqualTo("ScalingRule{r: p95(t) > 0.5 (critical > 2.0) -> s up}");
  }

  @Test
  void aWindowPastMidnightBelongsToTheDayItStarted() {
    ScalingSchedule friday = ScalingSchedule.builder("weekend-night").service("x")
        .between(LocalTime.of(22, 0), LocalTime.of(6, 0)).days(DayOfWeek.FRIDAY).scaleDownTo(1).build();
    ZonedDateTime fri = ZonedDateTime.of(2025, 3, 7, 0, 0, 0, 0, ZoneOffset.UTC);
    assertThat(friday.isActiveAt(fri.withHour(21).withMinute(59))).isFalse();
    assertThat(friday.isActiveAt(fri.withHour(22))).isTrue();
    assertThat(friday.isActiveAt(fri.plusDays(1).withHour(5).withMinute(59))).as("Saturday early").isTrue();
    assertThat(friday.isActiveAt(fri.plusDays(1).withHour(6))).isFalse();
    assertThat(friday.isActiveAt(fri.plusDays(1).withHour(23))).as("Saturday night").isFalse();
    assertThat(friday.isActiveAt(fri.withHour(3))).as("Friday early belongs to Thursday").isFalse();
    assertThat(friday.windowStart(fri.plusDays(1).withHour(3))).isEqualTo(fri.withHour(22));
  }
}
