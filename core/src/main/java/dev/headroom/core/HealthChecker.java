package dev.headroom.core;

import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.time.Scheduler;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a pool's active probes on its scheduler: one jittered timer per endpoint, a timeout per probe, and
 * consecutive-result thresholds before the endpoint's health changes.
 */
final class HealthChecker {
  private final Pool pool;
  private final HealthCheck config;
  private final Scheduler scheduler;
  private final RandomSource random;
  private final Map<EndpointState, Probing> probing = new ConcurrentHashMap<>();
  private volatile boolean closed;

  HealthChecker(Pool pool, HealthCheck config, Scheduler scheduler, RandomSource random) {
    this.pool = pool;
    this.config = config;
    this.scheduler = scheduler;
    this.random = random;
  }

  void start(EndpointState state) {
    Probing p = new Probing(state);
    probing.put(state, p);
    // first probe at a random point of the first interval, so that a fleet of clients does not probe in step; an
    // endpoint that joined a running pool is probed at once, since it gets no leases before its first probe passes
    p.schedule(state.awaitingFirstProbe() ? 0 : (long) (random.nextDouble() * config.interval().toNanos()));
  }

  void stop(EndpointState state) {
    Probing p = probing.remove(state);
    if (p != null) {
      p.stop();
    }
  }

  void close() {
    closed = true;
    probing.values().forEach(Probing::stop);
    probing.clear();
  }

  private long nextDelay() {
    double spread = config.jitter() * (2 * random.nextDouble() - 1);
    return (long) (config.interval().toNanos() * (1 + spread));
  }

  /** One endpoint's probing: its timer and its run of results. */
  private final class Probing {
    private final EndpointState state;
    private volatile Scheduler.Cancellable timer;
    private volatile boolean stopped;
    private int passes;
    private int failures;

    Probing(EndpointState state) {
      this.state = state;
    }

    void schedule(long delayNanos) {
      if (!stopped && !closed) {
        timer = scheduler.schedule(delayNanos, this::run);
      }
    }

    void stop() {
      stopped = true;
      Scheduler.Cancellable t = timer;
      if (t != null) {
        t.cancel();
      }
    }

    private void run() {
      if (stopped || closed) {
        return;
      }
      AtomicBoolean settled = new AtomicBoolean();
      Scheduler.Cancellable timeout = scheduler.schedule(config.timeout().toNanos(), () -> {
        if (settled.compareAndSet(false, true)) {
          record(false);
        }
      });
      CompletionStage<Boolean> result;
      try {
        result = config.probe().check(state.endpoint());
      } catch (RuntimeException e) {
        timeout.cancel();
        if (settled.compareAndSet(false, true)) {
          record(false);
        }
        return;
      }
      result.whenComplete((healthy, error) -> {
        if (settled.compareAndSet(false, true)) {
          timeout.cancel();
          record(error == null && Boolean.TRUE.equals(healthy));
        }
      });
    }

    private void record(boolean healthy) {
      boolean change;
      synchronized (this) {
        if (healthy) {
          passes++;
          failures = 0;
          // a joining endpoint needs one pass, as in Envoy: the threshold is for coming back after failures
          change = state.probeDown() && (passes >= config.healthyThreshold() || state.awaitingFirstProbe());
        } else {
          failures++;
          passes = 0;
          change = !state.probeDown() && failures >= config.unhealthyThreshold();
        }
      }
      if (change && !stopped && !closed) {
        pool.probeResult(state, healthy);
      }
      schedule(nextDelay());
    }
  }
}
