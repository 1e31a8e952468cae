package dev.headroom.scaling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/** The advisor's own meters, named in {@link ScalingMetricNames}. */
final class AdvisorMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  AdvisorMetrics(MeterRegistry registry, List<RuleEvaluator> rules, List<VetoEvaluator> vetoes) {
    this.registry = registry;
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
