package dev.headroom.examples.routing;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one strategy did in one run: requests served per backend, client-side latency percentiles, errors the
 * client saw, and requests spilled to the cloud tier.
 */
record RunResult(String strategy, Map<String, Integer> servedBy, long[] latenciesNanos, int errors, long spills,
    double seconds) {

  long percentileMillis(double p) {
    if (latenciesNanos.length == 0) {
      return 0;
    }
    long[] sorted = latenciesNanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000_000;
  }

  static void printTable(PrintStream out, List<String> backends, List<RunResult> results) {
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-12s", "strategy"));
    for (String backend : backends) {
      header.append(String.format(Locale.ROOT, "%9s", backend));
    }
    header.append(String.format(Locale.ROOT, "%8s%8s%8s%8s%8s%8s", "p50 ms", "p95 ms", "p99 ms", "errors",
        "spills", "req/s"));
    out.println(header);
    out.println("-".repeat(header.length()));
    for (RunResult r : results) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-12s", r.strategy()));
      for (String backend : backends) {
        row.append(String.format(Locale.ROOT, "%9d", r.servedBy().getOrDefault(backend, 0)));
      }
      row.append(String.format(Locale.ROOT, "%8d%8d%8d%8d%8d%8.0f", r.percentileMillis(50), r.percentileMillis(95),
          r.percentileMillis(99), r.errors(), r.spills(), r.latenciesNanos().length / r.seconds()));
      out.println(row);
    }
  }
}
