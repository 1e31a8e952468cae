package dev.headroom.scaling;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How many replicas a service runs now, which a {@link ScalingAdvisor} needs to turn a direction into a
 * {@link ScalingSignal#targetReplicas() target} within the service's {@link ServiceBounds}. Read once per service
 * per sample; an empty answer leaves rule signals without a target (and never held back by the bounds).
 *
 * <p>The default, {@link #fromGauge(MeterRegistry)}, reads the gauge {@value ScalingMetricNames#CURRENT_REPLICAS}
 * tagged {@code service}: register it from whatever knows the count (the Kubernetes API, the discovery source's
 * member count), e.g. {@code Gauge.builder("headroom.scaling.replicas.current", deployment, d -> d.replicas())
 * .tag("service", "app").register(registry)}. Or pass a function to {@link ScalingAdvisor.Builder#replicaCounts}.
 */
@FunctionalInterface
public interface ReplicaCounts {
  /** The replicas {@code service} runs now, if known. */
  OptionalInt current(String service);

  /** Reads the gauge {@value ScalingMetricNames#CURRENT_REPLICAS} with tag {@code service} from {@code registry}. */
  static ReplicaCounts fromGauge(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return service -> {
      Gauge gauge = registry.find(ScalingMetricNames.CURRENT_REPLICAS).tag("service", service).gauge();
      double value = gauge == null ? Double.NaN : gauge.value();
      return Double.isFinite(value) && value >= 0 ? OptionalInt.of((int) Math.round(value)) : OptionalInt.empty();
    };
  }

  /** Knows no counts: signals carry no target. */
  static ReplicaCounts unknown() {
    return service -> OptionalInt.empty();
  }
}
