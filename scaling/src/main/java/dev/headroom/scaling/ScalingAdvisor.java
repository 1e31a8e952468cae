package dev.headroom.scaling;

import dev.headroom.core.Checks;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples Micrometer meters on a clock, evaluates a {@link ScalingConfig}'s rules, vetoes, schedules and decisions,
 * and sends {@link ScalingSignal}s to its listeners, with a target replica count for services with
 * {@link ServiceBounds} whose current count it can read ({@link ReplicaCounts}); {@link #state()} tells which rules
 * fire, for a health or info endpoint.
 *
 * <pre>{@code
 * ScalingAdvisor advisor = ScalingAdvisor.builder(ScalingConfig.load(Path.of("scaling.yaml")), registry)
 *     .listener(signal -> log.info("scale {} {}", signal.service(), signal.direction()))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p><b>Time.</b> Sampling runs on a {@link Scheduler} and measures "for" durations and cooldowns on a
 * {@link Ticker}; pass {@link dev.headroom.core.time.VirtualTime} to {@link Builder#clock} to run in virtual time.
 * Schedules need the wall-clock time of day, read from a {@link Clock}: by default the system clock (in the
 * system zone) when the ticker is the system's, and otherwise {@link Ticker#asClock()}, which reads the ticker's
 * nanoseconds as nanoseconds since 1970-01-01T00:00Z. So a simulation that starts {@code new VirtualTime(nanos)}
 * at the epoch nanoseconds of a date runs its schedules on that date. The zone is, in order: the one set with
 * {@link Builder#zone}, the config's, the clock's.
 *
 * <p><b>Threads.</b> One sample at a time (scheduled, or {@link #evaluateNow()}), under a lock; {@link #state()}
 * reads an immutable snapshot and never blocks.
 */
public final class ScalingAdvisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScalingAdvisor.class);

  private final ScalingConfig config;
  private final MeterRegistry registry;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration interval;
  private final List<ScalingListener> listeners;
  private final Map<MetricSource, MetricReader> readers = new LinkedHashMap<>();
  private final List<RuleEvaluator> rules = new ArrayList<>();
  private final List<VetoEvaluator> vetoes = new ArrayList<>();
  private final List<ScheduleEvaluator> schedules = new ArrayList<>();
  private final List<DecisionEvaluator> decisions = new ArrayList<>();
  private final Map<String, List<DecisionEvaluator>> decisionsByService = new LinkedHashMap<>();
  private final Set<RuleEvaluator> decided = new HashSet<>();
  private final ReplicaCounts replicaCounts;
  private final Map<String, PendingTarget> pending = new HashMap<>();
  private final Map<String, Integer> lastCounts = new java.util.concurrent.ConcurrentHashMap<>();
  private final AdvisorMetrics metrics;
  private final Object lock = new Object();
  private volatile AdvisorState state;
  private Scheduler.Cancellable next;
  private long nextAt;
  private boolean started;
  private boolean closed;

  private ScalingAdvisor(Builder b) {
    this.config = b.config;
    this.registry = b.registry;
    this.ticker = b.ticker;
    this.scheduler = b.scheduler;
    ZoneId zone = b.zone != null ? b.zone : b.config.zone().orElse(null);
    Clock base = b.wallClock != null ? b.wallClock
        : b.tickerSet ? ticker.asClock() : Clock.systemDefaultZone();
    this.clock = zone != null ? base.withZone(zone) : base;
    this.interval = b.interval != null ? b.interval : config.sampleInterval();
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
    config.rules().forEach(r -> {
      readers.computeIfAbsent(r.metric(), MetricReader::of);
      rules.add(new RuleEvaluator(r));
    });
    config.vetoes().forEach(v -> {
      readers.computeIfAbsent(v.metric(), MetricReader::of);
      vetoes.add(new VetoEvaluator(v));
    });
    config.schedules().forEach(s -> schedules.add(new ScheduleEvaluator(s, clock.getZone())));
    Map<String, RuleEvaluator> byName = new LinkedHashMap<>();
    rules.forEach(r -> byName.put(r.rule.name(), r));
    for (ScalingDecision d : config.decisions()) {
      DecisionEvaluator e = new DecisionEvaluator(d, byName);
      decisions.add(e);
      decisionsByService.computeIfAbsent(d.service(), s -> new ArrayList<>()).add(e);
      d.when().forEach(rule -> decided.add(byName.get(rule)));
    }
    this.replicaCounts = b.replicaCounts != null ? b.replicaCounts : ReplicaCounts.fromGauge(registry);
    boolean appRegistersCounts = b.replicaCounts == null && b.export == registry;
    this.metrics = b.export == null ? null
        : new AdvisorMetrics(b.export, rules, vetoes, decisions, config.services().keySet(),
            appRegistersCounts ? null : lastCounts);
    this.state = new AdvisorState(Instant.EPOCH, List.of(), List.of(), List.of(), List.of());
  }

  /** A builder that reads the meters of {@code registry}. */
  public static Builder builder(ScalingConfig config, MeterRegistry registry) {
    return new Builder(config, registry);
  }

  /** Starts sampling: the first sample now, then one every sample interval. Returns this advisor. */
  public ScalingAdvisor start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("advisor is closed");
      }
      if (!started) {
        started = true;
        nextAt = ticker.read();
        next = scheduler.schedule(0, this::tick);
      }
    }
    return this;
  }

  /** Takes one sample now, outside the schedule, and returns the signals it sent. */
  public List<ScalingSignal> evaluateNow() {
    List<ScalingSignal> signals;
    synchronized (lock) {
      signals = sample();
    }
    deliver(signals);
    return signals;
  }

  /** The state at the last sample. */
  public AdvisorState state() {
    return state;
  }

  /** Adds a listener. */
  public void addListener(ScalingListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(ScalingListener listener) {
    listeners.remove(listener);
  }

  /** The configuration being evaluated. */
  public ScalingConfig config() {
    return config;
  }

  /** The wall clock schedules are evaluated on (see the class comment). */
  public Clock clock() {
    return clock;
  }

  /** Stops sampling and removes the advisor's meters. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel();
      }
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  private void tick() {
    List<ScalingSignal> signals;
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        signals = sample();
      } catch (RuntimeException e) {
        LOG.warn("scaling advisor: sample failed", e);
        signals = List.of();
      }
      long now = ticker.read();
      long step = interval.toNanos();
      nextAt += step;
      if (nextAt <= now) {
        nextAt = now + step - Math.floorMod(now - nextAt, step);
      }
      next = scheduler.schedule(nextAt - now, this::tick);
    }
    deliver(signals);
  }

  private List<ScalingSignal> sample() {
    long now = ticker.read();
    Instant wallNow = clock.instant();
    Map<MetricSource, Double> values = new LinkedHashMap<>();
    readers.forEach((source, reader) -> values.put(source, reader.read(registry, now)));
    for (VetoEvaluator v : vetoes) {
      v.evaluate(values.get(v.veto.metric()), now);
    }
    List<ScalingSignal> signals = new ArrayList<>();
    for (ScheduleEvaluator s : schedules) {
      ScalingSignal signal = s.evaluate(wallNow, this::vetoing); // a schedule's target is absolute: no step
      if (signal != null) {
        signals.add(signal);
        if (metrics != null) {
          metrics.desired(signal.service(), signal.targetReplicas().orElse(-1));
        }
      }
    }
    Map<String, OptionalInt> replicas = new HashMap<>();
    reachedTargets(now, replicas);
    BiFunction<String, ScaleDirection, String> holds = (service, direction) -> {
      String veto = vetoing(service, direction);
      return veto != null ? veto : atBound(service, direction, replicas);
    };
    for (RuleEvaluator r : rules) {
      // a rule a decision names only feeds the decision: it never signals on its own
      ScalingSignal signal = r.evaluate(values.get(r.rule.metric()), now, wallNow,
          decided.contains(r) ? (service, direction) -> "decisions" : holds);
      if (signal != null) {
        signals.add(withTarget(signal, replicas));
      }
    }
    decisionsByService.forEach((service, rows) -> {
      DecisionEvaluator winner = null;
      for (DecisionEvaluator d : rows) {
        if (d.matches() && (winner == null || d.decision.priority() > winner.decision.priority())) {
          winner = d;
        }
      }
      for (DecisionEvaluator d : rows) {
        ScalingSignal signal = d.evaluate(d == winner, now, wallNow, holds);
        if (signal != null) {
          signals.add(withTarget(signal, replicas));
        }
      }
    });
    state = new AdvisorState(wallNow, rules.stream().map(r -> r.status(now, wallNow)).toList(),
        vetoes.stream().map(v -> v.status(now, wallNow)).toList(),
        schedules.stream().map(ScheduleEvaluator::status).toList(),
        decisions.stream().map(d -> d.status(now, wallNow)).toList());
    if (metrics != null) {
      signals.forEach(metrics::signalled);
    }
    for (ScalingSignal signal : signals) {
      signal.targetReplicas().ifPresent(target -> pending.merge(signal.service(),
          new PendingTarget(signal.direction(), target, now),
          (old, fresh) -> old.direction() == fresh.direction() ? new PendingTarget(old.direction(), target, old.since())
              : fresh));
    }
    config.services().keySet().forEach(service -> current(service, replicas));
    return signals;
  }

  /** A target a signal asked for and not reached yet: the start of a scaling lag. */
  private record PendingTarget(ScaleDirection direction, int target, long since) {}

  /** Records the scaling lag of every pending target the current counts have reached. */
  private void reachedTargets(long now, Map<String, OptionalInt> replicas) {
    pending.entrySet().removeIf(e -> {
      OptionalInt current = current(e.getKey(), replicas);
      PendingTarget p = e.getValue();
      boolean reached = current.isPresent() && (p.direction() == ScaleDirection.UP
          ? current.getAsInt() >= p.target() : current.getAsInt() <= p.target());
      if (reached && metrics != null) {
        metrics.lag(e.getKey(), p.direction(), now - p.since());
      }
      return reached;
    });
  }

  /** {@code veto:NAME} of the first active veto blocking (service, direction), or null. */
  private String vetoing(String service, ScaleDirection direction) {
    for (VetoEvaluator v : vetoes) {
      if (v.blocks(service, direction)) {
        return "veto:" + v.veto.name();
      }
    }
    return null;
  }

  /** The service's current replicas, read once per sample. */
  private OptionalInt current(String service, Map<String, OptionalInt> replicas) {
    return replicas.computeIfAbsent(service, s -> {
      OptionalInt count;
      try {
        count = Objects.requireNonNullElse(replicaCounts.current(s), OptionalInt.empty());
      } catch (RuntimeException e) {
        LOG.warn("scaling advisor: the replica count of '{}' could not be read", s, e);
        count = OptionalInt.empty();
      }
      if (count.isPresent()) {
        lastCounts.put(s, count.getAsInt());
      } else {
        lastCounts.remove(s);
      }
      return count;
    });
  }

  /** {@code at-max-replicas} / {@code at-min-replicas} when one step could not move the service; else null. */
  private String atBound(String service, ScaleDirection direction, Map<String, OptionalInt> replicas) {
    ServiceBounds bounds = config.services().get(service);
    OptionalInt current = bounds == null ? OptionalInt.empty() : current(service, replicas);
    if (current.isEmpty()) {
      return null;
    }
    int now = current.getAsInt();
    int target = bounds.target(direction, now);
    if (direction == ScaleDirection.UP && target <= now) {
      return "at-max-replicas";
    }
    if (direction == ScaleDirection.DOWN && target >= now) {
      return "at-min-replicas";
    }
    return null;
  }

  /** {@code signal} with its target: the current replicas moved one step within the service's bounds. */
  private ScalingSignal withTarget(ScalingSignal signal, Map<String, OptionalInt> replicas) {
    ServiceBounds bounds = config.services().get(signal.service());
    OptionalInt current = bounds == null ? OptionalInt.empty() : current(signal.service(), replicas);
    if (current.isEmpty()) {
      return signal;
    }
    int target = bounds.target(signal.direction(), current.getAsInt());
    if (metrics != null) {
      metrics.desired(signal.service(), target);
    }
    return signal.withTarget(target);
  }

  private void deliver(List<ScalingSignal> signals) {
    for (ScalingSignal signal : signals) {
      LOG.debug("scaling signal: {}", signal);
      for (ScalingListener listener : listeners) {
        try {
          listener.onSignal(signal);
        } catch (RuntimeException e) {
          LOG.warn("scaling listener {} failed on {}", listener, signal, e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "ScalingAdvisor{" + config + ", interval=" + interval + ", firing=" + state.firing().size() + '}';
  }

  /** Builds a {@link ScalingAdvisor}. */
  public static final class Builder {
    private final ScalingConfig config;
    private final MeterRegistry registry;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private boolean tickerSet;
    private Clock wallClock;
    private ZoneId zone;
    private Duration interval;
    private final List<ScalingListener> listeners = new ArrayList<>();
    private MeterRegistry export;
    private ReplicaCounts replicaCounts;

    private Builder(ScalingConfig config, MeterRegistry registry) {
      this.config = Objects.requireNonNull(config, "config");
      this.registry = Objects.requireNonNull(registry, "registry");
      this.export = registry;
    }

    /** Ticker and scheduler in one, e.g. {@link dev.headroom.core.time.VirtualTime}. */
    public <T extends Ticker & Scheduler> Builder clock(T time) {
      return ticker(time).scheduler(time);
    }

    /** The ticker for "for" durations, cooldowns and rates; default the system's. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      this.tickerSet = true;
      return this;
    }

    /** Runs the samples; default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** The wall clock for schedules; default derived from the ticker as the class comment says. */
    public Builder wallClock(Clock value) {
      this.wallClock = Objects.requireNonNull(value, "wallClock");
      return this;
    }

    /** The zone of schedules that name none; default the config's zone, else the wall clock's. */
    public Builder zone(ZoneId value) {
      this.zone = Objects.requireNonNull(value, "zone");
      return this;
    }

    /** Overrides the config's sample interval. */
    public Builder sampleInterval(Duration value) {
      this.interval = Checks.plain().positive("sampleInterval", value);
      return this;
    }

    /** Adds a listener. */
    public Builder listener(ScalingListener value) {
      listeners.add(Objects.requireNonNull(value, "listener"));
      return this;
    }

    /** Registers the advisor's own meters ({@link ScalingMetricNames}) here; default the registry it reads. */
    public Builder exportMetricsTo(MeterRegistry value) {
      this.export = Objects.requireNonNull(value, "registry");
      return this;
    }

    /**
     * Where the current replica counts of services with {@link ServiceBounds} come from; default
     * {@link ReplicaCounts#fromGauge} on the registry the advisor reads.
     */
    public Builder replicaCounts(ReplicaCounts value) {
      this.replicaCounts = Objects.requireNonNull(value, "replicaCounts");
      return this;
    }

    /** Registers no meters of its own. */
    public Builder noMetrics() {
      this.export = null;
      return this;
    }

    /** Builds the advisor (not yet sampling: call {@link ScalingAdvisor#start()}). */
    public ScalingAdvisor build() {
      return new ScalingAdvisor(this);
    }
  }
}
