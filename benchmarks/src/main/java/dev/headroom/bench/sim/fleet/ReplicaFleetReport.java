package dev.headroom.bench.sim.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The replica-count simulation of issue 13: N = 1, 2, 4, 8, 16 replicas of the real core sharing one fleet of
 * Ollama-like nodes, local-only vs a shared view (publish delay modelled) vs shared view with strict caps vs one
 * global pool, on virtual time. Prints Markdown tables (p50/p99, ratios, cap violations counted on the nodes).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.bench.sim.fleet.ReplicaFleetReport \
 *     [--minutes=30] [--load=0.75] [--interval-ms=250] [--one-way-ms=1] [--replicas=1,2,4,8,16]
 * </pre>
 */
public final class ReplicaFleetReport {
  private ReplicaFleetReport() {}

  /** Runs the simulation and prints the tables to standard output. */
  public static void main(String[] args) {
    FleetSpec spec = FleetSpec.defaults();
    int[] counts = {1, 2, 4, 8, 16};
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      switch (kv[0]) {
        case "minutes" -> spec = spec.withDuration(Duration.ofMillis((long) (Double.parseDouble(kv[1]) * 60_000)));
        case "load" -> spec = spec.withLoad(Double.parseDouble(kv[1]));
        case "interval-ms" -> spec = spec.withInterval(Duration.ofMillis(Long.parseLong(kv[1])));
        case "one-way-ms" -> spec = spec.withOneWay(Duration.ofMillis(Long.parseLong(kv[1])));
        case "replicas" -> counts = java.util.Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    long wall = System.nanoTime();
    ReplicaSimulation sim = new ReplicaSimulation(spec);
    FleetOutcome oracle = sim.run(Mode.ORACLE, 1);
    List<Map<Mode, FleetOutcome>> rows = new ArrayList<>();
    for (int n : counts) {
      Map<Mode, FleetOutcome> row = new EnumMap<>(Mode.class);
      row.put(Mode.ORACLE, oracle);
      for (Mode mode : List.of(Mode.LOCAL, Mode.SHARED, Mode.STRICT)) {
        row.put(mode, sim.run(mode, n));
      }
      rows.add(row);
    }
    System.out.print(render(spec, sim.requests(), counts, rows));
    System.out.printf(Locale.ROOT, "%n(%d runs in %.1f s of wall time)%n", 1 + 3 * counts.length,
        (System.nanoTime() - wall) / 1e9);
  }

  static String render(FleetSpec spec, int requests, int[] counts, List<Map<Mode, FleetOutcome>> rows) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d nodes (%s), load %.0f%% of %.1f req/s for %s, σ = %.1f; "
            + "publish every %d ms, %d ms one way to the store; %d requests, the same in every run.%n%n",
        spec.nodes().size(), describe(spec), spec.load() * 100, spec.capacityPerSecond(), human(spec.duration()),
        spec.sigma(), spec.interval().toMillis(), spec.oneWay().toMillis(), requests));
    out.append("| N | oracle p50 / p99 | local-only p50 / p99 | shared p50 / p99 | strict p50 / p99 "
        + "| shared p99 / oracle | shared p99 / local | strict p99 / oracle | strict p99 / local |\n");
    out.append("|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (int k = 0; k < counts.length; k++) {
      Map<Mode, FleetOutcome> row = rows.get(k);
      FleetOutcome o = row.get(Mode.ORACLE);
      FleetOutcome l = row.get(Mode.LOCAL);
      FleetOutcome s = row.get(Mode.SHARED);
      FleetOutcome x = row.get(Mode.STRICT);
      out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f |%n", counts[k],
          pair(o), pair(l), pair(s), pair(x), ratio(s, o), ratio(s, l), ratio(x, o), ratio(x, l)));
    }
    out.append("\nCap violations, counted on the nodes: calls that reached a node already holding its 4 slots' "
        + "worth (in service + queued); the most one node held at once; node-seconds spent above the cap; "
        + "requests that got no lease in 30 s.\n\n");
    out.append("| N | local-only: violations / max / over-cap s | shared: violations / max / over-cap s "
        + "| strict: violations / max / over-cap s | strict: permits refused | errors (l / s / x) |\n");
    out.append("|--:|--:|--:|--:|--:|--:|\n");
    for (int k = 0; k < counts.length; k++) {
      Map<Mode, FleetOutcome> row = rows.get(k);
      FleetOutcome l = row.get(Mode.LOCAL);
      FleetOutcome s = row.get(Mode.SHARED);
      FleetOutcome x = row.get(Mode.STRICT);
      out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %d | %d / %d / %d |%n", counts[k], caps(l),
          caps(s), caps(x), x.permitDenials(), l.errors(), s.errors(), x.errors()));
    }
    FleetOutcome o = rows.get(0).get(Mode.ORACLE);
    out.append(String.format(Locale.ROOT, "%nOracle: %s.%n", caps(o)));
    out.append("\nWhere the p99 comes from: p99 of the wait in the pool's queue (arrival to lease) and of the wait "
        + "queued on the node (lease to start of service), and the share of calls the slowest nodes served.\n\n");
    out.append("| N | oracle pool / node / slow | local-only pool / node / slow | shared pool / node / slow "
        + "| strict pool / node / slow |\n");
    out.append("|--:|--:|--:|--:|--:|\n");
    for (int k = 0; k < counts.length; k++) {
      Map<Mode, FleetOutcome> row = rows.get(k);
      out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", counts[k], waits(row.get(Mode.ORACLE)),
          waits(row.get(Mode.LOCAL)), waits(row.get(Mode.SHARED)), waits(row.get(Mode.STRICT))));
    }
    return out.toString();
  }

  private static String describe(FleetSpec spec) {
    StringBuilder s = new StringBuilder();
    for (FleetSpec.NodeSpec node : spec.nodes()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(String.format(Locale.ROOT, "%s %d slots %.1f s", node.id(), node.slots(), node.meanSeconds()));
    }
    return s.toString();
  }

  private static String pair(FleetOutcome o) {
    return seconds(o.p(0.50)) + " / " + seconds(o.p(0.99));
  }

  private static String caps(FleetOutcome o) {
    return String.format(Locale.ROOT, "%d / %d / %.0f", o.violations(), o.maxOutstanding(), o.overCapNanos() / 1e9);
  }

  private static String waits(FleetOutcome o) {
    return seconds(FleetOutcome.quantile(o.poolWaits(), 0.99)) + " / "
        + seconds(FleetOutcome.quantile(o.nodeWaits(), 0.99))
        + String.format(Locale.ROOT, " / %.1f%%", o.slowShare() * 100);
  }

  private static double ratio(FleetOutcome a, FleetOutcome b) {
    return (double) a.p(0.99) / b.p(0.99);
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}
