package dev.headroom.bench.sim.scale;

import java.time.Duration;

/**
 * The settings of a scale run.
 *
 * @param slots each node's {@code OLLAMA_NUM_PARALLEL}
 * @param meanService the mean service time of a call (lognormal with {@code sigma})
 * @param sigma the spread of the service time
 * @param before how long the run goes before the step (scale-up) or the removal (scale-down)
 * @param step how long it goes after
 * @param hpaPeriod how often the HPA looks at the queue (Kubernetes' default sync period: 15 s)
 * @param threshold the queue depth above which it scales up (seed 002's worker-LLM rule: 50)
 * @param provisioning from the HPA's decision until the new nodes answer
 * @param dnsRefresh the discovery refresh (the headless Service's DNS TTL)
 * @param slowStart the ramp of the nodes added at run time
 * @param timeout a request's deadline, waiting in the pool's queue included
 * @param seed the seed of the arrivals and service draws
 */
record ScaleSpec(int slots, Duration meanService, double sigma, Duration before, Duration step, Duration hpaPeriod,
    int threshold, Duration provisioning, Duration dnsRefresh, Duration slowStart, Duration timeout, long seed) {

  static ScaleSpec defaults() {
    return new ScaleSpec(4, Duration.ofSeconds(2), 0.5, Duration.ofMinutes(5), Duration.ofMinutes(20),
        Duration.ofSeconds(15), 50, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofSeconds(120), 42);
  }

  ScaleSpec withStep(Duration value) {
    return new ScaleSpec(slots, meanService, sigma, before, value, hpaPeriod, threshold, provisioning, dnsRefresh,
        slowStart, timeout, seed);
  }

  ScaleSpec withBefore(Duration value) {
    return new ScaleSpec(slots, meanService, sigma, value, step, hpaPeriod, threshold, provisioning, dnsRefresh,
        slowStart, timeout, seed);
  }

  ScaleSpec withSeed(long value) {
    return new ScaleSpec(slots, meanService, sigma, before, step, hpaPeriod, threshold, provisioning, dnsRefresh,
        slowStart, timeout, value);
  }
}
