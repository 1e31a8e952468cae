package dev.headroom.bench.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs the five fleet-simulation scenarios with every strategy and writes the "Fleet simulation" section of
 * {@code RESULTS.md} (replacing only that section) and one latency-CDF PNG per scenario next to it.
 *
 * <pre>java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar dev.headroom.bench.sim.SimulationReport benchmarks</pre>
 *
 * <p>Arguments: the directory holding RESULTS.md (default {@code benchmarks}); optionally {@code --scale F} to
 * shorten every timeline by F (for a quick look; the committed report uses 1).
 */
public final class SimulationReport {
  static final String COMMAND = "mvn -B -ntp -q -pl benchmarks -am -DskipTests package && "
      + "java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar "
      + "dev.headroom.bench.sim.SimulationReport benchmarks";
  private static final String IMAGES = "results";

  private SimulationReport() {}

  /** Runs the scenarios and writes the report; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    Path dir = Path.of("benchmarks");
    double scale = 1.0;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--scale")) {
        scale = Double.parseDouble(args[++i]);
      } else {
        dir = Path.of(args[i]);
      }
    }
    Files.createDirectories(dir.resolve(IMAGES));
    List<ScenarioResult> results = new ArrayList<>();
    for (Scenario preset : Scenario.all()) {
      Scenario scenario = scale == 1.0 ? preset : preset.scaled(scale);
      long started = System.nanoTime();
      ScenarioResult result = Simulation.run(scenario, Arrays.asList(Strategy.values()));
      results.add(result);
      CdfChart.write(result, dir.resolve(IMAGES).resolve(scenario.key() + ".png"));
      System.out.printf(Locale.ROOT, "%s: %d requests x %d strategies in %.1f s%n", scenario.key(),
          result.requests(), result.results().size(), (System.nanoTime() - started) / 1e9);
      for (StrategyResult r : result.results()) {
        System.out.printf(Locale.ROOT, "  %-26s p50 %8s  p99 %8s  max %8s  errors %5d  retries %5d  spilled %6s%n",
            r.strategy().label().replace("*", ""), Report.seconds(r.percentile(0.5)),
            Report.seconds(r.percentile(0.99)), Report.seconds(r.max()), r.errors(), r.retries(),
            Report.percent(r.spilledShare()));
      }
    }
    String section = Report.markdown(results, IMAGES, scale, COMMAND);
    Path file = dir.resolve("RESULTS.md");
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    Files.writeString(file, splice(text, section), StandardCharsets.UTF_8);
    System.out.println("wrote " + file);
  }

  /** Replaces the generated section of {@code text}, or appends it. */
  static String splice(String text, String section) {
    int start = text.indexOf(Report.START);
    int end = text.indexOf(Report.END);
    if (start >= 0 && end > start) {
      return text.substring(0, start) + section.strip() + text.substring(end + Report.END.length());
    }
    return text.stripTrailing() + "\n\n" + section;
  }
}
