package dev.headroom.scaling.hpa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-metric step of the Kubernetes HPA v2 algorithm ({@code replica_calculator.go}), reimplemented: the usage
 * ratio (integer utilization percentage for resources, integer average for plain metrics), the inclusive tolerance
 * band checked before the {@code ceil}, and the handling of pods with missing metrics (on a scale-down they count
 * as using the target, or 100% of their request; on a scale-up as using nothing), of unready pods (as using nothing
 * on a scale-up) and of a recomputed ratio that changes the direction (then nothing changes). Stateless.
 */
final class ReplicaCalculator {
  private ReplicaCalculator() {}

  /** The replica count {@code input} asks for, given the current (spec) replica count. */
  static MetricProposal propose(int currentReplicas, MetricInput input, Tolerances tolerances) {
    if (input instanceof MetricInput.Resource r) {
      return r.target().type() == Target.Type.UTILIZATION
          ? resourceUtilization(currentReplicas, r, tolerances)
          : plain(currentReplicas, r.name(), r.target().amount(), r.pods(), "cpu".equals(r.name()), tolerances);
    }
    if (input instanceof MetricInput.Pods p) {
      return plain(currentReplicas, p.name(), p.target().amount(), p.pods(), false, tolerances);
    }
    if (input instanceof MetricInput.ObjectMetric o) {
      return total(currentReplicas, o.name(), o.target(), o.value(), o.readyPods(), tolerances);
    }
    if (input instanceof MetricInput.External e) {
      long sum = 0;
      for (long v : e.values()) {
        sum = v > 0 && sum > Long.MAX_VALUE - v ? Long.MAX_VALUE : sum + v;
      }
      return total(currentReplicas, e.name(), e.target(), sum, e.readyPods(), tolerances);
    }
    MetricInput.Unavailable u = (MetricInput.Unavailable) input;
    return MetricProposal.failed(u.name(), u.reason());
  }

  /** Utilization of a resource: {@code GetResourceReplicas}. */
  private static MetricProposal resourceUtilization(int current, MetricInput.Resource r, Tolerances tol) {
    String name = r.name();
    long target = r.target().amount();
    if (r.pods().isEmpty()) {
      return MetricProposal.failed(name, "no pods returned by selector while calculating replica count");
    }
    Groups g = Groups.of(r.pods(), "cpu".equals(name));
    if (g.metrics.isEmpty()) {
      return MetricProposal.failed(name, "did not receive metrics for targeted pods (pods might be unready)");
    }
    Map<String, Long> requests = new LinkedHashMap<>();
    r.pods().forEach(p -> requests.put(p.pod(), p.request()));
    Utilization u = utilization(g.metrics, requests, target);
    if (u == null) {
      return MetricProposal.failed(name, "no metrics returned matched known pods");
    }
    boolean scaleUpWithUnready = !g.unready.isEmpty() && u.ratio > 1.0;
    if (!scaleUpWithUnready && g.missing.isEmpty()) {
      if (tol.isWithin(u.ratio)) {
        return MetricProposal.of(name, current, u.percent);
      }
      return MetricProposal.of(name, ceil(u.ratio * g.ready), u.percent);
    }
    if (!g.missing.isEmpty()) {
      if (u.ratio < 1.0) {
        long fallback = Math.max(100, target);
        g.missing.forEach(pod -> g.metrics.put(pod, requests.get(pod) * fallback / 100));
      } else if (u.ratio > 1.0) {
        g.missing.forEach(pod -> g.metrics.put(pod, 0L));
      }
    }
    if (scaleUpWithUnready) {
      g.unready.forEach(pod -> g.metrics.put(pod, 0L));
    }
    Utilization nu = utilization(g.metrics, requests, target);
    return settle(current, name, u.ratio, nu.ratio, g.metrics.size(), u.percent, tol);
  }

  /** Plain per-pod values against an average target: {@code calcPlainMetricReplicas}. */
  private static MetricProposal plain(int current, String name, long target, List<PodSample> pods, boolean cpu,
      Tolerances tol) {
    if (pods.isEmpty()) {
      return MetricProposal.failed(name, "no pods returned by selector while calculating replica count");
    }
    Groups g = Groups.of(pods, cpu);
    if (g.metrics.isEmpty()) {
      return MetricProposal.failed(name, "did not receive metrics for targeted pods (pods might be unready)");
    }
    long usage = average(g.metrics);
    double ratio = (double) usage / (double) target;
    boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
    if (!scaleUpWithUnready && g.missing.isEmpty()) {
      if (tol.isWithin(ratio)) {
        return MetricProposal.of(name, current, usage);
      }
      return MetricProposal.of(name, ceil(ratio * g.ready), usage);
    }
    if (!g.missing.isEmpty()) {
      if (ratio < 1.0) {
        g.missing.forEach(pod -> g.metrics.put(pod, target));
      } else if (ratio > 1.0) {
        g.missing.forEach(pod -> g.metrics.put(pod, 0L));
      }
    }
    if (scaleUpWithUnready) {
      g.unready.forEach(pod -> g.metrics.put(pod, 0L));
    }
    double newRatio = (double) average(g.metrics) / (double) target;
    return settle(current, name, ratio, newRatio, g.metrics.size(), usage, tol);
  }

  /** The second pass, after missing and unready pods were given assumed values. */
  private static MetricProposal settle(int current, String name, double ratio, double newRatio, int counted,
      long usage, Tolerances tol) {
    if (tol.isWithin(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
      return MetricProposal.of(name, current, usage);
    }
    int replicas = ceil(newRatio * counted);
    if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current)) {
      return MetricProposal.of(name, current, usage);
    }
    return MetricProposal.of(name, replicas, usage);
  }

  /** Object and external metrics: {@code Value} scales the ready pods, {@code AverageValue} the status replicas. */
  private static MetricProposal total(int current, String name, Target target, long usage, int readyPods,
      Tolerances tol) {
    long t = target.amount();
    if (target.type() == Target.Type.VALUE) {
      double ratio = (double) usage / (double) t;
      if (current == 0) {
        return MetricProposal.of(name, ceil(ratio), usage); // scale from zero ignores the tolerance
      }
      if (tol.isWithin(ratio)) {
        return MetricProposal.of(name, current, usage);
      }
      return MetricProposal.of(name, ceil(ratio * readyPods), usage);
    }
    int replicas = current;
    double ratio = (double) usage / ((double) t * (double) current);
    if (!tol.isWithin(ratio)) {
      replicas = ceil((double) usage / (double) t);
    }
    long perPod = usage == Long.MAX_VALUE ? usage : (long) Math.ceil((double) usage / (double) current);
    return MetricProposal.of(name, replicas, perPod);
  }

  private static Utilization utilization(Map<String, Long> metrics, Map<String, Long> requests, long target) {
    long metricsTotal = 0;
    long requestsTotal = 0;
    for (Map.Entry<String, Long> e : metrics.entrySet()) {
      Long request = requests.get(e.getKey());
      if (request == null) {
        continue;
      }
      metricsTotal += e.getValue();
      requestsTotal += request;
    }
    if (requestsTotal == 0) {
      return null;
    }
    long percent = clampInt((metricsTotal * 100) / requestsTotal);
    return new Utilization((double) percent / (double) target, percent);
  }

  private static long average(Map<String, Long> metrics) {
    long total = 0;
    for (long v : metrics.values()) {
      total += v;
    }
    return total / metrics.size();
  }

  /** Go's {@code int32(math.Ceil(x))}, clamped to the int range. */
  static int ceil(double x) {
    double c = Math.ceil(x);
    if (c >= Integer.MAX_VALUE) {
      return Integer.MAX_VALUE;
    }
    return c <= Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) c;
  }

  private static long clampInt(long v) {
    return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  private record Utilization(double ratio, long percent) {}

  /** {@code groupPods}: ready count, metrics of counted pods, and the unready and missing pods. */
  private static final class Groups {
    int ready;
    final Map<String, Long> metrics = new LinkedHashMap<>();
    final List<String> unready = new java.util.ArrayList<>();
    final List<String> missing = new java.util.ArrayList<>();

    static Groups of(List<PodSample> pods, boolean cpu) {
      Groups g = new Groups();
      for (PodSample p : pods) {
        switch (p.state()) {
          case IGNORED -> { }
          case PENDING -> g.unready.add(p.pod());
          default -> {
            if (!p.hasMetric()) {
              g.missing.add(p.pod());
            } else if (cpu && p.state() == PodSample.State.NOT_READY) {
              g.unready.add(p.pod());
            } else {
              g.ready++;
              g.metrics.put(p.pod(), p.value());
            }
          }
        }
      }
      return g;
    }
  }
}
