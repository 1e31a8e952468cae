package dev.headroom.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Slow start, as Envoy's {@code slow_start_config}: an endpoint added to a running pool (not one the pool was built
 * with) gets a share of the traffic that ramps up over {@link #window()}, from when it becomes eligible (at once, or
 * when its first health probe passes). During the window its effective weight is {@code weight × f(t)} with
 *
 * <pre>{@code f(t) = max(minWeight, (t / window) ^ (1 / aggression))}</pre>
 *
 * <p>so that a pick offers it that share of the traffic among the endpoints the request accepts, and it holds at
 * most {@code ceil(f(t) × maxConcurrency)} leases at once (which keeps the ramp when every other endpoint is full).
 * After the window it is an ordinary member. An aggression above 1 ramps faster at first, below 1 slower.
 *
 * @param window how long the ramp lasts, > 0
 * @param aggression the ramp's curvature, > 0; 1 is linear
 * @param minWeight the share of its weight an endpoint starts with, in [0, 1]
 */
public record SlowStart(Duration window, double aggression, double minWeight) {

  /** Validates. */
  public SlowStart {
    Checks checks = Checks.plain();
    checks.positive("slowStart.window", window);
    checks.positive("slowStart.aggression", aggression);
    checks.share("slowStart.minWeight", minWeight);
  }

  /** A linear ramp over {@code window} from 10% of the weight (Envoy's defaults). */
  public static SlowStart of(Duration window) {
    return new SlowStart(Objects.requireNonNull(window, "slowStart.window"), 1.0, 0.1);
  }

  /** This ramp with another curvature (above 1: faster at first). */
  public SlowStart withAggression(double value) {
    return new SlowStart(window, value, minWeight);
  }

  /** This ramp starting from another share of the weight. */
  public SlowStart withMinWeight(double value) {
    return new SlowStart(window, aggression, value);
  }

  /** The share of its weight an endpoint has {@code elapsedNanos} after its ramp started, in [minWeight, 1]. */
  public double factor(long elapsedNanos) {
    long windowNanos = window.toNanos();
    if (elapsedNanos >= windowNanos) {
      return 1.0;
    }
    double time = Math.max(0, elapsedNanos) / (double) windowNanos;
    double ramp = aggression == 1.0 ? time : Math.pow(time, 1 / aggression);
    return Math.max(minWeight, ramp);
  }
}
