package dev.headroom.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * {@code headroom.scaling.*}: scaling rules, vetoes, schedules, decisions and service bounds, from a file in the
 * format of {@code docs/scaling.md}, inline in the same shape, or both (names must be unique across them; an inline
 * decision names inline rules, a file's decision the file's rules). A
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
 * @param decisions rows of a decision matrix over several rules
 * @param services replica bounds and steps by service name
 */
@ConfigurationProperties("headroom.scaling")
public record HeadroomScalingProperties(
    @DefaultValue("true") boolean enabled,
    String file,
    Duration sampleInterval,
    String zone,
    List<Rule> rules,
    List<Veto> vetoes,
    List<Schedule> schedules,
    List<Decision> decisions,
    Map<String, Service> services) {

  /** Copies the lists; absent ones become empty. */
  public HeadroomScalingProperties {
    rules = rules == null ? List.of() : List.copyOf(rules);
    vetoes = vetoes == null ? List.of() : List.copyOf(vetoes);
    schedules = schedules == null ? List.of() : List.copyOf(schedules);
    decisions = decisions == null ? List.of() : List.copyOf(decisions);
    services = services == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
  }

  /** Whether any rule, veto, schedule, decision or service bound is written inline. */
  public boolean hasInline() {
    return !rules.isEmpty() || !vetoes.isEmpty() || !schedules.isEmpty() || !decisions.isEmpty()
        || !services.isEmpty();
  }

  /**
   * A decision: {@code headroom.scaling.decisions[i].*}.
   *
   * @param name unique among rules, vetoes, schedules and decisions
   * @param description free text
   * @param service the service it decides for
   * @param when inline rules of that service that must all fire
   * @param unless inline rules none of which may fire
   * @param action up, down or hold
   * @param priority the highest matching decision of a service wins; default 0
   * @param cooldown the least time between two of its signals while it keeps winning
   */
  public record Decision(String name, String description, String service, List<String> when, List<String> unless,
      String action, Integer priority, String cooldown) {}

  /**
   * A service's replica bounds: {@code headroom.scaling.services.<name>.*}.
   *
   * @param minReplicas the fewest replicas; default 1
   * @param maxReplicas the most replicas; default unbounded
   * @param stepUp replicas (2) or a percentage (50%) added by one scale-up signal; default 1
   * @param stepDown replicas or a percentage removed by one scale-down signal; default 1
   */
  public record Service(Integer minReplicas, Integer maxReplicas, String stepUp, String stepDown) {}

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
