package dev.headroom.scaling;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSupport;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.search.Search;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads one {@link MetricSource} from a registry at each sample, keeping the history that rates, ratios and
 * histogram percentiles need. Not thread-safe: the advisor calls it under its lock. NaN means "no value".
 */
abstract class MetricReader {
  final MetricSource source;

  MetricReader(MetricSource source) {
    this.source = source;
  }

  static MetricReader of(MetricSource source) {
    if (source instanceof MetricSource.GaugeValue g) {
      return new GaugeReader(g);
    }
    if (source instanceof MetricSource.Percentile p) {
      return new PercentileReader(p);
    }
    if (source instanceof MetricSource.Rate r) {
      return new CounterReader(source, r.query(), null, r.window().toNanos());
    }
    MetricSource.Ratio q = (MetricSource.Ratio) source;
    return new CounterReader(source, q.numerator(), q.denominator(), q.window().toNanos());
  }

  /** Samples the registry at ticker reading {@code now}. */
  abstract double read(MeterRegistry registry, long now);

  static Collection<Meter> find(MeterRegistry registry, MeterQuery query) {
    Search search = registry.find(query.name());
    for (Map.Entry<String, String> tag : query.tags().entrySet()) {
      search = search.tag(tag.getKey(), tag.getValue());
    }
    return search.meters();
  }

  /** The first measurement of {@code meter} with the given statistic, or NaN. */
  static double statistic(Meter meter, Statistic wanted) {
    for (Measurement m : meter.measure()) {
      if (m.getStatistic() == wanted) {
        return m.getValue();
      }
    }
    return Double.NaN;
  }

  /** Gauges: VALUE (or a counter's COUNT), combined by the aggregation. */
  private static final class GaugeReader extends MetricReader {
    private final MetricSource.GaugeValue gauge;

    GaugeReader(MetricSource.GaugeValue gauge) {
      super(gauge);
      this.gauge = gauge;
    }

    @Override
    double read(MeterRegistry registry, long now) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      int n = 0;
      for (Meter meter : find(registry, gauge.query())) {
        double v = statistic(meter, Statistic.VALUE);
        if (Double.isNaN(v)) {
          v = statistic(meter, Statistic.COUNT);
        }
        if (Double.isNaN(v)) {
          continue;
        }
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
        n++;
      }
      if (n == 0) {
        return Double.NaN;
      }
      return switch (gauge.aggregation()) {
        case SUM -> sum;
        case MAX -> max;
        case MIN -> min;
        case AVG -> sum / n;
      };
    }
  }

  /** Rates and ratios of COUNT statistics, from the increase since the sample one window back. */
  private static final class CounterReader extends MetricReader {
    private final MeterQuery numerator;
    private final MeterQuery denominator;
    private final long windowNanos;
    private final Deque<Sample> samples = new ArrayDeque<>();

    CounterReader(MetricSource source, MeterQuery numerator, MeterQuery denominator, long windowNanos) {
      super(source);
      this.numerator = numerator;
      this.denominator = denominator;
      this.windowNanos = windowNanos;
    }

    @Override
    double read(MeterRegistry registry, long now) {
      Sample current = new Sample(now, total(registry, numerator), denominator == null ? 0 : total(registry, denominator));
      Sample last = samples.peekLast();
      if (last != null && (current.num < last.num || current.den < last.den)) {
        samples.clear(); // a meter went away or was reset: start over
      }
      samples.addLast(current);
      // keep one sample at or before now - window as the base; drop the older ones
      long cutoff = now - windowNanos;
      while (samples.size() > 1 && second(samples).at <= cutoff) {
        samples.removeFirst();
      }
      Sample base = samples.peekFirst();
      if (base.at == now) {
        return Double.NaN;
      }
      if (denominator == null) {
        return (current.num - base.num) / ((now - base.at) / 1e9);
      }
      double increase = current.den - base.den;
      return increase <= 0 ? Double.NaN : (current.num - base.num) / increase;
    }

    private static double total(MeterRegistry registry, MeterQuery query) {
      double total = 0;
      for (Meter meter : find(registry, query)) {
        double c = statistic(meter, Statistic.COUNT);
        if (!Double.isNaN(c)) {
          total += c;
        }
      }
      return total;
    }

    private record Sample(long at, double num, double den) {}
  }

  static <T> T second(Deque<T> deque) {
    var it = deque.iterator();
    it.next();
    return it.next();
  }

  /** Timer and distribution-summary percentiles: published values first, else histogram interpolation. */
  private static final class PercentileReader extends MetricReader {
    private final MetricSource.Percentile percentile;
    private final Deque<Long> times = new ArrayDeque<>();
    private final Deque<TreeMap<Double, Double>> histograms = new ArrayDeque<>();

    PercentileReader(MetricSource.Percentile percentile) {
      super(percentile);
      this.percentile = percentile;
    }

    @Override
    double read(MeterRegistry registry, long now) {
      double published = Double.NaN;
      boolean allPublished = true;
      TreeMap<Double, Double> merged = new TreeMap<>();
      int histogramMeters = 0;
      double p = percentile.percentile();
      for (Meter meter : find(registry, percentile.query())) {
        if (!(meter instanceof HistogramSupport hs)) {
          continue;
        }
        HistogramSnapshot snapshot = hs.takeSnapshot();
        boolean seconds = meter instanceof Timer;
        double value = Double.NaN;
        for (ValueAtPercentile v : snapshot.percentileValues()) {
          if (Math.abs(v.percentile() - p) < 1e-9) {
            value = seconds ? v.value(TimeUnit.NANOSECONDS) / 1e9 : v.value();
          }
        }
        if (Double.isNaN(value)) {
          allPublished = false;
        } else if (snapshot.count() > 0) {
          published = Double.isNaN(published) ? value : Math.max(published, value);
        }
        CountAtBucket[] buckets = snapshot.histogramCounts();
        if (buckets.length > 0) {
          histogramMeters++;
          for (CountAtBucket b : buckets) {
            double bound = seconds ? b.bucket(TimeUnit.NANOSECONDS) / 1e9 : b.bucket();
            merged.merge(bound, b.count(), Double::sum);
          }
          merged.merge(Double.POSITIVE_INFINITY, (double) snapshot.count(), Double::sum);
        }
      }
      if (allPublished && !Double.isNaN(published)) {
        return published;
      }
      if (histogramMeters == 0) {
        return published;
      }
      return fromHistogram(merged, now, p);
    }

    private double fromHistogram(TreeMap<Double, Double> current, long now, double p) {
      times.addLast(now);
      histograms.addLast(current);
      long cutoff = now - percentile.window().toNanos();
      while (times.size() > 1 && MetricReader.second(times) <= cutoff) {
        times.removeFirst();
        histograms.removeFirst();
      }
      TreeMap<Double, Double> base = histograms.peekFirst();
      TreeMap<Double, Double> counts = current;
      if (base != current && base.keySet().equals(current.keySet())) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        boolean monotonic = true;
        for (Map.Entry<Double, Double> e : current.entrySet()) {
          double d = e.getValue() - base.get(e.getKey());
          monotonic &= d >= 0;
          delta.put(e.getKey(), d);
        }
        if (monotonic) {
          counts = delta;
        }
      }
      return Percentiles.quantile(p, counts);
    }

  }
}
