package dev.headroom.bench.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A named, documented fleet: its backends, the offered load over time, the faults on its timeline, and how a
 * client calls it (timeout, idempotency, an optional cloud tier behind the local pool).
 *
 * @param key a short name used for file names
 * @param title the heading in the report
 * @param description what it shows, for the report
 * @param backends the local backends, in list order
 * @param load the offered load as a share of the fleet's nominal capacity (sum of slots / mean service)
 * @param burst a window with a different load share, or null
 * @param duration how long requests arrive
 * @param faults what goes wrong, when
 * @param timeout the client's overall timeout per request (waits, retries and calls included)
 * @param idempotent whether a call that failed after it was sent may be sent again
 * @param cloud the tier behind the local pool, or null
 * @param localWaitBudget how long a request may wait for a local slot before it spills to the cloud tier
 * @param seed the seed of every random choice in the run
 */
record Scenario(String key, String title, String description, List<BackendSpec> backends, double load,
    LoadWindow burst, Duration duration, List<Fault> faults, Duration timeout, boolean idempotent,
    BackendSpec cloud, Duration localWaitBudget, long seed) {

  /** A window of time with its own load share. */
  record LoadWindow(Duration from, Duration to, double load) {}

  static final long SEED = 20240611L;
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  Scenario {
    backends = List.copyOf(backends);
    faults = List.copyOf(faults);
  }

  /** The five presets, in report order. */
  static List<Scenario> all() {
    return List.of(heterogeneous(), degradation(), hardFailure(), burstWithCloud(), manyEndpoints());
  }

  /** 1: four backends, one three times slower than the others, at 80% of the fleet's capacity. */
  static Scenario heterogeneous() {
    return new Scenario("1-heterogeneous", "1. Heterogeneous fleet",
        "4 backends with 4 slots each; `b1`–`b3` serve in 1 s on average, `b4` in 3 s (lognormal, σ = 0.5). "
            + "Poisson arrivals at 80% of the fleet's capacity for 30 min; client timeout 30 s.",
        List.of(fast("b1"), fast("b2"), fast("b3"), backend("b4", 4, 3.0)), 0.8, null, minutes(30), List.of(),
        TIMEOUT, false, null, TIMEOUT, SEED);
  }

  /** 2: one of four equal backends turns five times slower for ten minutes in the middle. */
  static Scenario degradation() {
    return new Scenario("2-degradation", "2. Degradation",
        "4 equal backends (4 slots, 1 s mean). `b2` serves ×5 slower from minute 10 to minute 20. "
            + "Load 70% of nominal capacity (87.5% of what is left during the slowdown) for 30 min; timeout 30 s.",
        List.of(fast("b1"), fast("b2"), fast("b3"), fast("b4")), 0.7, null, minutes(30),
        List.of(Fault.slowdown("b2", minutes(10), minutes(20), 5)), TIMEOUT, false, null, TIMEOUT, SEED + 1);
  }

  /** 3: one backend fails a share of its calls, then dies for five minutes; calls are idempotent. */
  static Scenario hardFailure() {
    return new Scenario("3-hard-failure", "3. Hard failure",
        "4 equal backends (4 slots, 1 s mean). `b3` first answers 30% of its calls with HTTP 500 (minutes 8–10, "
            + "a backend on its way down), then dies: calls in progress are reset and new connections refused "
            + "(minutes 10–15), then comes back. Calls are idempotent, so a client may retry them. Load 60% "
            + "(80% of the three that are left) for 25 min; timeout 30 s.",
        List.of(fast("b1"), fast("b2"), fast("b3"), fast("b4")), 0.6, null, minutes(25),
        List.of(Fault.failShare("b3", minutes(8), minutes(10), 0.3), Fault.down("b3", minutes(10), minutes(15))),
        TIMEOUT, true, null, TIMEOUT, SEED + 2);
  }

  /** 4: a burst at 130% of local capacity for three minutes, with a cloud tier behind the local pool. */
  static Scenario burstWithCloud() {
    return new Scenario("4-burst", "4. Burst with a cloud tier",
        "4 equal local backends (4 slots, 1 s mean) at 60% load, rising to 130% from minute 10 to minute 13; "
            + "25 min in all. Behind them a cloud tier (256 slots, 2 s mean, σ = 0.3). A request may wait at most "
            + "2 s for a local slot (the local tier's wait budget) before it should go to the cloud; timeout 30 s.",
        List.of(fast("b1"), fast("b2"), fast("b3"), fast("b4")), 0.6,
        new LoadWindow(minutes(10), minutes(13), 1.3), minutes(25), List.of(), TIMEOUT, false,
        new BackendSpec("cloud", 256, Duration.ofSeconds(2), 0.3), Duration.ofSeconds(2), SEED + 3);
  }

  /** 5: 32 backends of four speeds. */
  static Scenario manyEndpoints() {
    List<BackendSpec> backends = new ArrayList<>();
    double[] means = {0.7, 1.0, 1.5, 3.0};
    for (int i = 0; i < 32; i++) {
      backends.add(backend("b" + (i + 1), 4, means[i % means.length]));
    }
    return new Scenario("5-many-endpoints", "5. Many endpoints",
        "32 backends with 4 slots each, of mixed speed: mean service 0.7 s, 1 s, 1.5 s and 3 s in turn "
            + "(σ = 0.5). Load 80% of capacity for 15 min; timeout 30 s.",
        backends, 0.8, null, minutes(15), List.of(), TIMEOUT, false, null, TIMEOUT, SEED + 4);
  }

  /** The same scenario with its timeline (duration, faults, burst) scaled by {@code factor}. */
  Scenario scaled(double factor) {
    List<Fault> scaledFaults = faults.stream()
        .map(f -> new Fault(f.kind(), f.backend(), scale(f.from(), factor), scale(f.to(), factor), f.value()))
        .toList();
    LoadWindow scaledBurst = burst == null ? null
        : new LoadWindow(scale(burst.from(), factor), scale(burst.to(), factor), burst.load());
    return new Scenario(key, title, description, backends, load, scaledBurst, scale(duration, factor), scaledFaults,
        timeout, idempotent, cloud, localWaitBudget, seed);
  }

  /** Requests per second that the local fleet completes when every slot is busy. */
  double capacityPerSecond() {
    return backends.stream().mapToDouble(BackendSpec::capacityPerSecond).sum();
  }

  /** The load share at {@code nanos}. */
  double loadAt(long nanos) {
    return burst != null && nanos >= burst.from().toNanos() && nanos < burst.to().toNanos() ? burst.load() : load;
  }

  /** The next time after {@code nanos} at which the load share changes, or {@code Long.MAX_VALUE}. */
  long nextLoadChangeAfter(long nanos) {
    if (burst == null) {
      return Long.MAX_VALUE;
    }
    long from = burst.from().toNanos();
    long to = burst.to().toNanos();
    return nanos < from ? from : nanos < to ? to : Long.MAX_VALUE;
  }

  boolean hasCloud() {
    return cloud != null;
  }

  private static BackendSpec fast(String id) {
    return backend(id, 4, 1.0);
  }

  private static BackendSpec backend(String id, int slots, double meanSeconds) {
    return new BackendSpec(id, slots, Duration.ofNanos((long) (meanSeconds * SECOND.toNanos())), 0.5);
  }

  private static Duration minutes(long m) {
    return Duration.ofMinutes(m);
  }

  private static Duration scale(Duration d, double factor) {
    return Duration.ofNanos((long) (d.toNanos() * factor));
  }
}
