package dev.headroom.bench.sim.scale;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Issue 14's benchmark: an HPA scale-up under a load step (2 → 4 nodes when the queue passes seed 002's 50) with
 * discovery and slow start vs a pool that only learns of new nodes at a restart, and a scale-down 4 → 1 with drain
 * vs abrupt removal. The real core pool and membership sync on virtual time; prints Markdown tables.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.sim.scale.ScaleReport [--seed=42]
 * </pre>
 */
public final class ScaleReport {
  private ScaleReport() {}

  /** Runs both scenarios and prints the tables. */
  public static void main(String[] args) {
    ScaleSpec spec = ScaleSpec.defaults();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (kv[0].equals("seed")) {
        spec = spec.withSeed(Long.parseLong(kv[1]));
      } else {
        throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    long wall = System.nanoTime();
    ScaleSimulation sim = new ScaleSimulation(spec);
    ScaleSimulation.Outcome restart = sim.scaleUp(false);
    ScaleSimulation.Outcome discovery = sim.scaleUp(true);
    ScaleSimulation.Outcome abrupt = sim.scaleDown(false);
    ScaleSimulation.Outcome drain = sim.scaleDown(true);
    System.out.print(render(spec, restart, discovery, abrupt, drain));
    System.out.printf(Locale.ROOT, "%n(4 runs in %.1f s of wall time)%n", (System.nanoTime() - wall) / 1e9);
  }

  static String render(ScaleSpec spec, ScaleSimulation.Outcome restart, ScaleSimulation.Outcome discovery,
      ScaleSimulation.Outcome abrupt, ScaleSimulation.Outcome drain) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Scale-up: nodes of %d slots, %.1f s mean service (σ %.1f); %s at 60%% of"
            + " 2 nodes, then %s at 150%%; HPA every %d s, queue > %d, +%d s to ready; DNS refresh %d s, slow start"
            + " %d s, timeout %d s.%n%n", spec.slots(), spec.meanService().toMillis() / 1e3, spec.sigma(),
        human(spec.before()), human(spec.step()), spec.hpaPeriod().toSeconds(), spec.threshold(),
        spec.provisioning().toSeconds(), spec.dnsRefresh().toSeconds(), spec.slowStart().toSeconds(),
        spec.timeout().toSeconds()));
    out.append("| pool | requests in the step | p50 | p99 | timed out | new nodes' calls | new nodes at 80% of"
        + " their share |\n|---|---|---|---|---|---|---|\n");
    for (ScaleSimulation.Outcome o : List.of(restart, discovery)) {
      long fresh = o.started().get("n3") + o.started().get("n4");
      out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d | %d | %s |%n", o.mode(), o.requests(),
          seconds(o.percentile(0.50)), seconds(o.percentile(0.99)), o.errors(), fresh,
          o.sharedAt() < 0 ? "never" : String.format(Locale.ROOT, "%.0f s after ready",
              (o.sharedAt() - o.readyAt()) / 1e9)));
    }
    out.append(String.format(Locale.ROOT, "%nHPA decision %.0f s after the step, nodes ready %.0f s after it."
            + " Ratios, discovery / restart-only: p50 %s, p99 %s.%n%n",
        (discovery.decidedAt() - spec.before().toNanos()) / 1e9, (discovery.readyAt() - spec.before().toNanos()) / 1e9,
        ratio(discovery.percentile(0.50), restart.percentile(0.50)),
        ratio(discovery.percentile(0.99), restart.percentile(0.99))));
    out.append(String.format(Locale.ROOT, "Scale-down 4 → 1 under 80%% of one node's capacity, after %s; counted"
        + " from the removal for %s:%n%n", human(spec.before()), human(spec.step())));
    out.append("| removal | requests | p50 | p99 | client-visible errors |\n|---|---|---|---|---|\n");
    for (ScaleSimulation.Outcome o : List.of(abrupt, drain)) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d |%n", o.mode(), o.requests(),
          seconds(o.percentile(0.50)), seconds(o.percentile(0.99)), o.errors()));
    }
    return out.toString();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static String ratio(long a, long b) {
    return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", (double) a / b);
  }

  private static String human(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }
}
