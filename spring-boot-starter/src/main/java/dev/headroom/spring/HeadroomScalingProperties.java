package dev.headroom.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * {@code headroom.scaling.*}: scaling rules, vetoes and schedules, from a file in the format of
 * {@code docs/scaling.md}, inline in the same shape, or both (names must be unique across them). A
 * {@link dev.headroom.scaling.ScalingAdvisor} evaluates them over the application's meters.
 *
 * <pre>
 * headroom:
 *   scaling:
 *     file: classpath:scaling/seed-002-app.yaml
 *     rules:
 *       - name: chat-queue-high
 *         service: ollama
 *         metric: {gauge: headroom.queue.depth, tags: {pool: ollama}}
 *         above: 50
 *         cooldown: 3m
 * </pre>
 *
 * <p>Thresholds, durations and quantities are written as in the file format ({@code 500ms}, {@code 5%},
 * {@code 1h30m}) and checked by core's parser; a bad one fails startup naming its property.
 *
 * @param enabled whether the advisor is created when rules are configured
 * @param file a scaling file (.yaml, .yml or .json) as a Spring resource location, e.g.
 *     classpath:scaling.yaml or file:/etc/app/scaling.yaml
 * @param sampleInterval how often the meters are sampled; default the file's, else 10 s
 * @param zone the time zone of schedules that name none; default the file's, else the system's
 * @param rules scaling rules
 * @param vetoes conditions that block a scaling direction
 * @param schedules wall-clock windows with a replica target
 */
@ConfigurationProperties("headroom.scaling")
public record HeadroomScalingProperties(
    @DefaultValue("true") boolean enabled,
    String file,
    Duration sampleInterval,
    String zone,
    List<Rule> rules,
    List<Veto> vetoes,
    List<Schedule> schedules) {

  /** Copies the lists; absent ones become empty. */
  public HeadroomScalingProperties {
    rules = rules == null ? List.of() : List.copyOf(rules);
    vetoes = vetoes == null ? List.of() : List.copyOf(vetoes);
    schedules = schedules == null ? List.of() : List.copyOf(schedules);
  }

  /** Whether any rule, veto or schedule is written inline. */
  public boolean hasInline() {
    return !rules.isEmpty() || !vetoes.isEmpty() || !schedules.isEmpty();
  }

  /**
   * A scaling rule: {@code headroom.scaling.rules[i].*}.
   *
   * @param name unique among rules, vetoes and schedules
   * @param description free text
   * @param service the service the signal is about
   * @param metric what is measured
   * @param above fire above this level (50, or warning/critical)
   * @param below fire below this level
   * @param forDuration how long a level must hold before the rule fires (for in the file format)
   * @param direction up or down; default up for above, down for below
   * @param cooldown the least time between two signals of the rule
   * @param hysteresis how far back past the threshold a value must go to clear a level
   */
  public record Rule(String name, String description, String service, Metric metric, Levels above, Levels below,
      @Name("for") String forDuration, String direction, String cooldown, String hysteresis) {}

  /**
   * A veto: {@code headroom.scaling.vetoes[i].*}.
   *
   * @param name unique among rules, vetoes and schedules
   * @param description free text
   * @param services the services it applies to; default all
   * @param metric what is measured
   * @param above active above this value
   * @param below active below this value
   * @param forDuration how long the condition must hold (for in the file format)
   * @param hysteresis how far back past the threshold a value must go to end the veto
   * @param blocks the direction it blocks, up (default) or down
   */
  public record Veto(String name, String description, List<String> services, Metric metric, String above,
      String below, @Name("for") String forDuration, String hysteresis, String blocks) {}

  /**
   * A schedule: {@code headroom.scaling.schedules[i].*}.
   *
   * @param name unique among rules, vetoes and schedules
   * @param description free text
   * @param service the service it targets
   * @param days the days it applies (MON..SUN); default every day
   * @param from the window's start, e.g. "01:00" (quote it in YAML)
   * @param to the window's end
   * @param zone its time zone; default headroom.scaling.zone
   * @param scaleDownTo the replica count to scale down to in the window
   * @param scaleUpTo the replica count to scale up to in the window
   */
  public record Schedule(String name, String description, String service, List<String> days, String from,
      String to, String zone, Integer scaleDownTo, Integer scaleUpTo) {}

  /**
   * What a rule or veto measures: exactly one of {@code gauge}, {@code timer} (with {@code percentile}),
   * {@code rate} or {@code ratio}.
   *
   * @param gauge the name of the gauges to read
   * @param timer the name of the timers whose percentile is read
   * @param percentile the percentile of a timer, e.g. 0.95
   * @param rate the name of the counters whose per-second increase is read
   * @param ratio the increase of one counter over another's (an error rate)
   * @param tags tags the meters must have
   * @param window the look-back of rates, ratios and histogram percentiles (default 1m)
   * @param aggregate how several matching gauges combine: sum (default), max, min, avg
   */
  public record Metric(String gauge, String timer, String percentile, String rate, Ratio ratio,
      Map<String, String> tags, String window, String aggregate) {

    /** Copies the tags; absent tags become empty. */
    public Metric {
      tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
  }

  /**
   * A ratio of two counters' increases.
   *
   * @param numerator the counted part, e.g. failed requests
   * @param denominator the whole, e.g. all requests
   */
  public record Ratio(Query numerator, Query denominator) {}

  /**
   * A meter name with tags.
   *
   * @param name the meter name
   * @param tags the tags it must have
   */
  public record Query(String name, Map<String, String> tags) {

    /** Copies the tags; absent tags become empty. */
    public Query {
      tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
  }

  /**
   * A rule's threshold: a single value ({@code above: 50}) is the warning level; write {@code warning} and
   * {@code critical} for two levels.
   *
   * @param warning the warning level
   * @param critical the critical level, if any
   */
  public record Levels(String warning, String critical) {}
}
