package dev.headroom.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Prometheus alerting rules from a scaling configuration: each rule becomes an alert that fires when its condition
 * has held for its {@code for} (a second, critical one when the rule has a critical level), each veto an
 * informational alert, with the metrics as Micrometer's Prometheus registry names them ({@code headroom.queue.depth}
 * → {@code headroom_queue_depth}, a timer's histogram {@code headroom_latency_seconds_bucket}, a counter
 * {@code headroom_requests_total}). Load the text with Prometheus' {@code rule_files}; {@code promtool check rules}
 * accepts it. A rule's cooldown has no Prometheus equivalent and is written into the alert's description. A
 * {@link ScalingDecision} becomes an alert over the rules' own alerts ({@code ALERTS{alertstate="firing"}}), so each
 * rule keeps its {@code for}: it fires while all its {@code when} rules fire, none of its {@code unless} rules does,
 * and no decision of the same service that wins over it (higher priority, or equal and earlier) matches.
 *
 * <pre>{@code
 * String yaml = PrometheusRules.from(ScalingConfig.load(Path.of("docs/scaling/seed-002-app.yaml")), "seed-002-app");
 * }</pre>
 */
public final class PrometheusRules {
  /** Meters that Headroom registers as timers: their counts are {@code _seconds_count}, not {@code _total}. */
  private static final Set<String> TIMERS = Set.of("headroom.latency", "headroom.queue.wait", "headroom.llm.ttft",
      "headroom.llm.latency", "headroom.browser.lease.wait", "headroom.cache.load.time", "headroom.cache.flight.wait",
      "headroom.sql.replica.wait", "headroom.scaling.lag");

  private PrometheusRules() {}

  /** The rules of {@code config} as one Prometheus rule group named {@code group}, in YAML. */
  public static String from(ScalingConfig config, String group) {
    return from(Map.of(group, config));
  }

  /** Several configurations, one rule group each (in the order of the map's keys, sorted), in one YAML file. */
  public static String from(Map<String, ScalingConfig> groups) {
    StringBuilder out = new StringBuilder("groups:\n");
    groups.keySet().stream().sorted().forEach(name -> group(out, name, groups.get(name)));
    return out.toString();
  }

  private static void group(StringBuilder out, String group, ScalingConfig config) {
    out.append("  - name: ").append(quote(group)).append('\n');
    out.append("    rules:\n");
    for (ScalingRule rule : config.rules()) {
      String service = rule.service();
      String condition = expr(rule.metric()) + ' ' + rule.comparison().symbol() + ' ' + number(rule.warning());
      alert(out, alertName("Headroom", rule.name()), condition, rule.forDuration(),
          Map.of("severity", "warning", "service", service, "direction", direction(rule.direction())),
          "Scale " + direction(rule.direction()) + " " + service + ": " + rule.name(),
          rule.metric().describe() + " " + rule.comparison().symbol() + " " + number(rule.warning())
              + forText(rule.forDuration()) + "; cooldown " + human(rule.cooldown()) + " (rule '" + rule.name()
              + "')");
      if (rule.critical().isPresent()) {
        String critical = expr(rule.metric()) + ' ' + rule.comparison().symbol() + ' '
            + number(rule.critical().getAsDouble());
        alert(out, alertName("Headroom", rule.name()) + "Critical", critical, rule.forDuration(),
            Map.of("severity", "critical", "service", service, "direction", direction(rule.direction())),
            "Scale " + direction(rule.direction()) + " " + service + " now: " + rule.name(),
            rule.metric().describe() + " " + rule.comparison().symbol() + " "
                + number(rule.critical().getAsDouble()) + forText(rule.forDuration()) + " (rule '" + rule.name()
                + "', critical level)");
      }
    }
    List<ScalingDecision> decisions = config.decisions();
    for (int i = 0; i < decisions.size(); i++) {
      ScalingDecision d = decisions.get(i);
      StringBuilder condition = new StringBuilder(matches(d));
      for (int j = 0; j < decisions.size(); j++) {
        ScalingDecision other = decisions.get(j);
        boolean wins = other.priority() > d.priority() || other.priority() == d.priority() && j < i;
        if (j != i && other.service().equals(d.service()) && wins) {
          condition.append(" unless on() (").append(matches(other)).append(')');
        }
      }
      alert(out, alertName("HeadroomDecision", d.name()), condition.toString(), Duration.ZERO,
          Map.of("severity", "warning", "service", d.service(), "action", d.action().tag()),
          "Decision for " + d.service() + ": " + d.action().tag() + " (" + d.name() + ")",
          String.join(" + ", d.when()) + (d.unless().isEmpty() ? "" : " unless " + String.join(", ", d.unless()))
              + " (decision '" + d.name() + "', priority " + d.priority() + ")");
    }
    for (VetoRule veto : config.vetoes()) {
      String condition = expr(veto.metric()) + ' ' + veto.comparison().symbol() + ' ' + number(veto.threshold());
      alert(out, alertName("HeadroomVeto", veto.name()), condition, veto.forDuration(),
          Map.of("severity", "info", "services", String.join(",", veto.services()), "blocks",
              direction(veto.blocks())),
          "Scaling " + direction(veto.blocks()) + " blocked: " + veto.name(),
          veto.metric().describe() + " " + veto.comparison().symbol() + " " + number(veto.threshold())
              + forText(veto.forDuration()) + " (veto '" + veto.name() + "')");
    }
  }

  private static void alert(StringBuilder out, String name, String expr, Duration holdFor,
      Map<String, String> labels, String summary, String description) {
    out.append("      - alert: ").append(name).append('\n');
    out.append("        expr: ").append(quote(expr)).append('\n');
    out.append("        for: ").append(promDuration(holdFor)).append('\n');
    out.append("        labels:\n");
    labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        out.append("          ").append(e.getKey()).append(": ").append(quote(e.getValue())).append('\n'));
    out.append("        annotations:\n");
    out.append("          summary: ").append(quote(summary)).append('\n');
    out.append("          description: ").append(quote(description)).append('\n');
  }

  /** Whether {@code d}'s rules hold: its when rules' alerts all firing, none of its unless rules' alerts. */
  private static String matches(ScalingDecision d) {
    String when = "count(" + firing(d.when()) + ") == " + d.when().size();
    return d.unless().isEmpty() ? when
        : "((" + when + ") unless on() (count(" + firing(d.unless()) + ") > 0))";
  }

  private static String firing(List<String> rules) {
    String names = rules.stream().map(r -> alertName("Headroom", r)).collect(Collectors.joining("|"));
    return "ALERTS{alertname=~\"" + names + "\",alertstate=\"firing\"}";
  }

  /** The PromQL of a metric source, as Micrometer's Prometheus registry exports the meters. */
  static String expr(MetricSource source) {
    if (source instanceof MetricSource.GaugeValue gauge) {
      return gauge.aggregation().name().toLowerCase(Locale.ROOT) + "(" + selector(name(gauge.query().name()),
          gauge.query()) + ")";
    }
    if (source instanceof MetricSource.Percentile p) {
      return "histogram_quantile(" + number(p.percentile()) + ", sum by (le) (rate("
          + selector(name(p.query().name()) + "_seconds_bucket", p.query()) + "[" + promDuration(p.window()) + "])))";
    }
    if (source instanceof MetricSource.Rate rate) {
      return "sum(rate(" + selector(counter(rate.query().name()), rate.query()) + "[" + promDuration(rate.window())
          + "]))";
    }
    MetricSource.Ratio ratio = (MetricSource.Ratio) source;
    String window = "[" + promDuration(ratio.window()) + "]";
    return "(sum(rate(" + selector(counter(ratio.numerator().name()), ratio.numerator()) + window + ")) / sum(rate("
        + selector(counter(ratio.denominator().name()), ratio.denominator()) + window + ")))";
  }

  /** A Micrometer meter name as its Prometheus name: every character but letters, digits and '_' becomes '_'. */
  static String name(String meter) {
    return meter.replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static String counter(String meter) {
    return name(meter) + (TIMERS.contains(meter) ? "_seconds_count" : "_total");
  }

  private static String selector(String metric, MeterQuery query) {
    if (query.tags().isEmpty()) {
      return metric;
    }
    return metric + query.tags().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> name(e.getKey()) + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String alertName(String prefix, String ruleName) {
    List<String> words = new ArrayList<>();
    for (String word : ruleName.split("[^A-Za-z0-9]+")) {
      if (!word.isEmpty()) {
        words.add(Character.toUpperCase(word.charAt(0)) + word.substring(1));
      }
    }
    return prefix + String.join("", words);
  }

  private static String direction(ScaleDirection direction) {
    return direction.name().toLowerCase(Locale.ROOT);
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
        : Double.toString(value);
  }

  private static String forText(Duration holdFor) {
    return holdFor.isZero() ? "" : " for " + human(holdFor);
  }

  private static String human(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    return d.toSeconds() % 3600 == 0 ? d.toHours() + "h" : d.toSeconds() % 60 == 0 ? d.toMinutes() + "m"
        : d.toSeconds() + "s";
  }

  private static String promDuration(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    return human(d);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
