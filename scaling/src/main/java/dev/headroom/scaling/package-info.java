/**
 * Scaling signals from the meters Headroom's pools already record: rules as operators write them ("p95 latency
 * above 500 ms warning, above 2 s critical: scale the backend up"), vetoes ("VRAM headroom below 20%: never scale
 * up") and schedules ("01:00 to 06:00: at most one replica"), evaluated in-process by a {@link
 * dev.headroom.scaling.ScalingAdvisor} that sends {@link dev.headroom.scaling.ScalingSignal}s to listeners. The file
 * format and the semantics are in {@code docs/scaling.md}; seed configurations ship in {@code docs/scaling/}.
 *
 * <p><b>Why a module of its own.</b> Scaling reads a {@code MeterRegistry}; it never touches a pool, a lease or a
 * picker, and nothing in core calls it. Keeping it out of {@code headroom-core} keeps the routing engine free of the
 * (optional) Jackson/YAML dependencies and of about half of core's former size. It depends on core only for
 * {@link dev.headroom.core.ConfigException}/{@link dev.headroom.core.Checks} and the time abstractions
 * ({@code core.time}): the same {@code VirtualTime} runs a pool and its scaling rules in one simulation.
 *
 * <p><b>Shape.</b> Immutable settings built by builders ({@link dev.headroom.scaling.ScalingConfig},
 * {@link dev.headroom.scaling.ScalingRule}, {@link dev.headroom.scaling.VetoRule},
 * {@link dev.headroom.scaling.ScalingSchedule}, {@link dev.headroom.scaling.ScalingDecision},
 * {@link dev.headroom.scaling.ServiceBounds}, {@link dev.headroom.scaling.MetricSource}); package-private
 * evaluators hold the state between samples: {@code MetricReader} (the history that rates, ratios and histogram
 * percentiles need, read as Prometheus would), {@code LevelTracker} (one threshold with hysteresis and its
 * "since"), {@code RuleEvaluator}, {@code VetoEvaluator} and {@code ScheduleEvaluator}. The advisor samples all of
 * them under one lock, one sample at a time, and publishes an immutable {@link dev.headroom.scaling.AdvisorState}
 * that readers (a health or info endpoint) take without blocking. Listeners run after the lock is released; one
 * that throws is logged and does not stop the others or the sampling.
 *
 * <p><b>Decisions and bounds.</b> A {@link dev.headroom.scaling.ScalingDecision} is a row of a decision matrix: the
 * rules it names become its conditions and stop signalling alone, and of the rows of a service that match, the
 * highest priority speaks ({@code DecisionEvaluator}, evaluated after the rules of the same sample so it sees their
 * states of that sample). Why the rules fall silent rather than signal alongside: a matrix exists to say that a
 * pair of conditions means something else than each alone ("high traffic with low latency: it copes, hold"); if
 * the rules kept signalling, the row could only add signals, never hold one back. {@link
 * dev.headroom.scaling.ServiceBounds} turn a direction into a target (current count one step on, clamped), and a
 * signal that could not move the count is held back like one under a veto, so a listener never receives "scale up"
 * for a service already at its maximum. The current count is read through {@link dev.headroom.scaling.ReplicaCounts}
 * (a gauge by default), because the advisor does not own the deployment and must not guess it from its own signals.
 *
 * <p><b>Time.</b> "For" durations and cooldowns are measured on a {@code Ticker}, schedules on a wall
 * {@code Clock} derived from it, so a test or a simulation in virtual time fires rules exactly when the tables in
 * {@code docs/scaling.md} say ("for 3 minutes" fires at 3:00, not at 2:59), never by sleeping.
 *
 * <p><b>Configuration files.</b> {@code ScalingConfigFiles} checks by name that Jackson is on the classpath before
 * touching {@code JacksonScalingConfigReader}, the only class that links against it, so an application that builds
 * its rules in code needs no Jackson, and one that loads a file without it gets a
 * {@link dev.headroom.core.ConfigException} naming the missing artifact instead of a {@code NoClassDefFoundError}.
 * A bad setting in a file is named by its path in the file ({@code rules[1].above.critical}), which the Spring
 * starter maps onto its property of the same path; {@code UnitParser} reads the file's durations ({@code 1h30m},
 * {@code PT3M}) and quantities ({@code 20%}, {@code 500ms}).
 *
 * <p><b>Metric names.</b> The advisor's own meters are named in {@link dev.headroom.scaling.ScalingMetricNames} and
 * recorded by the package-private {@code AdvisorMetrics}.
 */
package dev.headroom.scaling;
