package dev.headroom.bench.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One PNG per scenario: every strategy's latency CDF (top) and its tail, the share of requests slower than a given
 * latency on a log scale (bottom), over a shared logarithmic latency axis. Needs {@code java.awt.headless=true}
 * on a machine without a display.
 */
final class CdfChart {
  private static final Color[] COLORS = {
      new Color(0x1f77b4), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
      new Color(0x7f7f7f), new Color(0xd62728), new Color(0xff9896), new Color(0x2ca02c)};

  private CdfChart() {}

  static void write(ScenarioResult result, Path file) throws IOException {
    XYSeriesCollection cdf = new XYSeriesCollection();
    XYSeriesCollection tail = new XYSeriesCollection();
    List<StrategyResult> results = result.results();
    for (StrategyResult r : results) {
      String name = r.strategy().label().replace("*", "");
      XYSeries c = new XYSeries(name, false, true);
      XYSeries t = new XYSeries(name, false, true);
      long[] sorted = r.latenciesNanos();
      int n = sorted.length;
      int step = Math.max(1, n / 400);
      for (int i = 0; i < n; i++) {
        boolean inTail = i >= n - 200 || (i >= n * 0.9 && i % Math.max(1, step / 8) == 0);
        if (i % step != 0 && !inTail && i != n - 1) {
          continue;
        }
        double seconds = Math.max(1e-3, sorted[i] / 1e9);
        double below = (i + 1) / (double) n;
        c.add(seconds, below);
        if (i < n - 1) {
          t.add(seconds, 1 - below);
        }
      }
      cdf.addSeries(c);
      tail.addSeries(t);
    }
    LogAxis latency = new LogAxis("latency seen by the client (s)");
    latency.setSmallestValue(0.05);
    latency.setTickUnit(new NumberTickUnit(0.5));
    latency.setNumberFormatOverride(new DecimalFormat("0.##"));
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(latency);
    plot.setGap(8);
    plot.add(subplot(cdf, new NumberAxis("share of requests ≤ x"), results, true), 3);
    LogAxis share = new LogAxis("share of requests > x");
    share.setSmallestValue(1e-5);
    share.setTickUnit(new NumberTickUnit(1));
    share.setNumberFormatOverride(new DecimalFormat("0.#####"));
    plot.add(subplot(tail, share, results, false), 2);
    JFreeChart chart = new JFreeChart(result.scenario().title(), new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    chart.addSubtitle(new TextTitle(result.requests() + " requests per strategy, same arrivals and service draws"));
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 750);
  }

  private static XYPlot subplot(XYSeriesCollection data, org.jfree.chart.axis.ValueAxis range,
      List<StrategyResult> results, boolean legend) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < results.size(); i++) {
      renderer.setSeriesVisibleInLegend(i, legend);
      Strategy s = results.get(i).strategy();
      renderer.setSeriesPaint(i, COLORS[s.ordinal() % COLORS.length]);
      if (s == Strategy.HEADROOM) {
        renderer.setSeriesStroke(i, new BasicStroke(3.5f));
      } else if (s == Strategy.ORACLE) {
        renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {8f, 5f}, 0f));
      } else {
        renderer.setSeriesStroke(i, new BasicStroke(1.5f));
      }
    }
    XYPlot plot = new XYPlot(data, null, range, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}
