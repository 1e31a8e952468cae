package dev.headroom.scaling;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a rule measures, read from a Micrometer {@code MeterRegistry} at every sample. Four kinds, the shapes in
 * which operators write their triggers:
 *
 * <ul>
 *   <li>{@link #gauge gauge}: a gauge's current value ("queue depth", "VRAM headroom");
 *   <li>{@link #percentile percentile}: a timer's (or distribution summary's) percentile, in seconds for timers
 *       ("p95 response time");
 *   <li>{@link #rate rate}: the per-second increase of a counter (or of a timer's count) over a window;
 *   <li>{@link #ratio ratio}: the increase of one counter divided by the increase of another over a window, such
 *       as failed requests over all requests ("error rate").
 * </ul>
 *
 * <p>Values are in Prometheus base units: seconds for time, a fraction for ratios (5% is 0.05).
 */
public sealed interface MetricSource
    permits MetricSource.GaugeValue, MetricSource.Percentile, MetricSource.Rate, MetricSource.Ratio {

  /** The window that rates, ratios and histogram percentiles look back over unless told otherwise: 1 minute. */
  Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  /** A short description, e.g. {@code p95(http.server.requests{uri="/api"})}, used in signals and state. */
  String describe();

  /** The value of the gauges named {@code name} with the given tag key/value pairs, summed. */
  static GaugeValue gauge(String name, String... tagKeyValues) {
    return new GaugeValue(MeterQuery.of(name, tagKeyValues), Aggregation.SUM);
  }

  /** The {@code percentile} (0 &lt; p &lt; 1) of the timers named {@code name}, over the default window. */
  static Percentile percentile(String name, double percentile, String... tagKeyValues) {
    return new Percentile(MeterQuery.of(name, tagKeyValues), percentile, DEFAULT_WINDOW);
  }

  /** The per-second increase of the counters named {@code name} over the default window. */
  static Rate rate(String name, String... tagKeyValues) {
    return new Rate(MeterQuery.of(name, tagKeyValues), DEFAULT_WINDOW);
  }

  /** The increase of {@code numerator} divided by the increase of {@code denominator} over the default window. */
  static Ratio ratio(MeterQuery numerator, MeterQuery denominator) {
    return new Ratio(numerator, denominator, DEFAULT_WINDOW);
  }

  /** How the values of several matching gauges are combined. */
  enum Aggregation {
    /** Their sum (the default: queue depth over all pools). */
    SUM,
    /** The largest. */
    MAX,
    /** The smallest (e.g. the least VRAM headroom of any GPU). */
    MIN,
    /** The mean. */
    AVG;

    static Aggregation parse(String setting, String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(setting, text, "must be one of sum, max, min, avg");
      }
    }
  }

  /**
   * A gauge's value.
   *
   * @param query the gauges to read
   * @param aggregation how several matching gauges are combined
   */
  record GaugeValue(MeterQuery query, Aggregation aggregation) implements MetricSource {
    /** Validates. */
    public GaugeValue {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(aggregation, "aggregation");
    }

    /** A copy combining matching gauges with {@code value}. */
    public GaugeValue aggregate(Aggregation value) {
      return new GaugeValue(query, value);
    }

    @Override
    public String describe() {
      return aggregation == Aggregation.SUM ? query.toString()
          : aggregation.name().toLowerCase(Locale.ROOT) + "(" + query + ")";
    }
  }

  /**
   * A timer's percentile. A percentile the timer publishes itself ({@code publishPercentiles(0.95)}) is read as
   * Micrometer computes it (over its rolling distribution window). Otherwise the percentile is interpolated from
   * the timer's histogram buckets ({@code publishPercentileHistogram()}) as Prometheus's {@code histogram_quantile}
   * does, over the increase within {@code window} when the buckets are cumulative (as in the Prometheus registry).
   *
   * @param query the timers to read
   * @param percentile between 0 and 1 exclusive, e.g. 0.95
   * @param window how far back histogram increases are taken
   */
  record Percentile(MeterQuery query, double percentile, Duration window) implements MetricSource {
    /** Validates. */
    public Percentile {
      Objects.requireNonNull(query, "query");
      if (!(percentile > 0 && percentile < 1)) {
        throw Checks.in("metric '" + query + "'").invalid("percentile", percentile, "must be between 0 and 1 (e.g. 0.95)");
      }
      requireWindow(query.toString(), window);
    }

    /** A copy looking back over {@code value}. */
    public Percentile window(Duration value) {
      return new Percentile(query, percentile, value);
    }

    @Override
    public String describe() {
      double p = percentile * 100;
      String label = p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
      return "p" + label + "(" + query + ")";
    }
  }

  /**
   * A counter's per-second rate.
   *
   * @param query the counters (or timers, by their count) to read
   * @param window how far back the increase is taken
   */
  record Rate(MeterQuery query, Duration window) implements MetricSource {
    /** Validates. */
    public Rate {
      Objects.requireNonNull(query, "query");
      requireWindow(query.toString(), window);
    }

    /** A copy looking back over {@code value}. */
    public Rate window(Duration value) {
      return new Rate(query, value);
    }

    @Override
    public String describe() {
      return "rate(" + query + "[" + window + "])";
    }
  }

  /**
   * The ratio of two counters' increases; no value while the denominator did not increase.
   *
   * @param numerator e.g. failed requests
   * @param denominator e.g. all requests
   * @param window how far back the increases are taken
   */
  record Ratio(MeterQuery numerator, MeterQuery denominator, Duration window) implements MetricSource {
    /** Validates. */
    public Ratio {
      Objects.requireNonNull(numerator, "numerator");
      Objects.requireNonNull(denominator, "denominator");
      requireWindow(numerator + " / " + denominator, window);
    }

    /** A copy looking back over {@code value}. */
    public Ratio window(Duration value) {
      return new Ratio(numerator, denominator, value);
    }

    @Override
    public String describe() {
      return "increase(" + numerator + ") / increase(" + denominator + ") [" + window + "]";
    }
  }

  private static void requireWindow(String what, Duration window) {
    Checks.in("metric '" + what + "'").positive("window", window);
  }
}
