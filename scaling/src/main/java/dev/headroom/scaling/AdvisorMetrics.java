package dev.headroom.scaling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The advisor's own meters, named in {@link ScalingMetricNames}. */
final class AdvisorMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  private final Map<String, AtomicInteger> desired = new ConcurrentHashMap<>();

  AdvisorMetrics(MeterRegistry registry, List<RuleEvaluator> rules, List<VetoEvaluator> vetoes,
      List<DecisionEvaluator> decisions, Collection<String> boundedServices, Map<String, Integer> currentCounts) {
    this.registry = registry;
    if (currentCounts != null) { // counts come from elsewhere than the app's gauge: export what was read
      for (String service : boundedServices) {
        meters.add(Gauge.builder(ScalingMetricNames.CURRENT_REPLICAS, currentCounts,
                c -> c.containsKey(service) ? c.get(service) : Double.NaN)
            .description("The replicas the service runs, as the advisor last read them")
            .tags("service", service)
            .strongReference(true)
            .register(registry));
      }
    }
    for (DecisionEvaluator d : decisions) {
      meters.add(Gauge.builder(ScalingMetricNames.DECISION_ACTIVE, d, e -> e.active)
          .description("1 while the decision speaks for its service")
          .tags("service", d.decision.service(), "decision", d.decision.name(), "action", d.decision.action().tag())
          .strongReference(true)
          .register(registry));
    }
    for (String service : boundedServices) {
      AtomicInteger target = desired.computeIfAbsent(service, s -> new AtomicInteger(-1));
      meters.add(Gauge.builder(ScalingMetricNames.DESIRED_REPLICAS, target, t -> t.get() < 0 ? Double.NaN : t.get())
          .description("The replica count the last scaling signal for the service asked for")
          .tags("service", service)
          .strongReference(true)
          .register(registry));
    }
    for (RuleEvaluator r : rules) {
      meters.add(Gauge.builder(ScalingMetricNames.RULE_STATE, r, e -> e.level)
          .description("0 when the scaling rule does not fire, 1 when it fires at warning, 2 at critical")
          .tags("service", r.rule.service(), "rule", r.rule.name(), "direction", r.rule.direction().tag())
          .strongReference(true)
          .register(registry));
    }
    for (VetoEvaluator v : vetoes) {
      meters.add(Gauge.builder(ScalingMetricNames.VETO_ACTIVE, v, e -> e.active ? 1 : 0)
          .description("1 while the veto blocks scaling in its direction")
          .tags("veto", v.veto.name(), "direction", v.veto.blocks().tag())
          .strongReference(true)
          .register(registry));
    }
  }

  void desired(String service, int target) {
    AtomicInteger value = desired.get(service);
    if (value != null) {
      value.set(target);
    }
  }

  void lag(String service, ScaleDirection direction, long nanos) {
    Timer timer = Timer.builder(ScalingMetricNames.LAG)
        .description("From a scaling signal to the replica count reaching its target")
        .tags("service", service, "direction", direction.tag())
        .register(registry);
    synchronized (meters) {
      if (!meters.contains(timer)) {
        meters.add(timer);
      }
    }
    timer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void signalled(ScalingSignal signal) {
    Counter counter = Counter.builder(ScalingMetricNames.SIGNALS)
        .description("Scaling signals sent")
        .tags("service", signal.service(), "rule", signal.rule(), "direction", signal.direction().tag(),
            "severity", signal.severity().tag())
        .register(registry);
    synchronized (meters) {
      if (!meters.contains(counter)) {
        meters.add(counter);
      }
    }
    counter.increment();
  }

  void close() {
    synchronized (meters) {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }
}
