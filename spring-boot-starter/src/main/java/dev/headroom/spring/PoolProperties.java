package dev.headroom.spring;

import dev.headroom.spring.discovery.DiscoveryProperties;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One pool: {@code headroom.pools.<name>.*}. Every default is the one {@link dev.headroom.core.PoolConfig} uses.
 *
 * @param endpoints the endpoints the pool starts with (at least one)
 * @param tier the {@code tier} metric tag; the pool name when not set
 * @param picker how an endpoint is chosen
 * @param maxWaiters the most callers waiting for a lease at once (0: never wait)
 * @param latencyHalfLife the half-life of the latency and failure EWMAs
 * @param initialLatency the latency assumed for an endpoint before its first reply
 * @param healthCheck active probing; on when {@code health-check.path} is set
 * @param outlierDetection passive ejection of endpoints that keep failing
 * @param circuitBreaker the per-endpoint resilience4j circuit breaker
 * @param panicThreshold below this share of endpoints free of ejection and open breakers, the pool picks among all
 *     of them (Envoy's panic mode); 0: off
 * @param maxRetryAfter the longest a server's Retry-After keeps an endpoint out of picks
 * @param leakDetectionThreshold a lease held longer is logged and counted as leaked (0s: off)
 * @param strictCaps whether each endpoint's max-concurrency is a hard cap across every replica of the service, a
 *     global permit per lease from the fleet coordinator (headroom.fleet; no effect without one)
 * @param discovery members found at run time (DNS, Kubernetes, Spring Cloud); with a source, {@code endpoints} may be
 *     empty
 * @param slowStart the window over which an endpoint added at run time ramps up to its full share (none when unset)
 */
public record PoolProperties(
    List<Endpoint> endpoints,
    String tier,
    @DefaultValue("power-of-two-choices") PickerKind picker,
    @DefaultValue("256") int maxWaiters,
    @DefaultValue("10s") Duration latencyHalfLife,
    @DefaultValue("30ms") Duration initialLatency,
    @DefaultValue HealthCheck healthCheck,
    @DefaultValue OutlierDetection outlierDetection,
    @DefaultValue CircuitBreaker circuitBreaker,
    @DefaultValue("0.5") double panicThreshold,
    @DefaultValue("60s") Duration maxRetryAfter,
    @DefaultValue("0s") Duration leakDetectionThreshold,
    @DefaultValue("false") boolean strictCaps,
    @DefaultValue DiscoveryProperties discovery,
    Duration slowStart) {

  /** Copies the endpoint list; an absent list becomes empty (and fails validation with its property name). */
  public PoolProperties {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /**
   * One endpoint: {@code headroom.pools.<name>.endpoints[i].*}.
   *
   * @param id unique within the pool; the {@code endpoint} metric tag
   * @param uri where it is, e.g. {@code http://10.0.0.5:11434}
   * @param weight relative capacity, > 0
   * @param maxConcurrency the most leases it may hold at once, >= 1 (e.g. {@code OLLAMA_NUM_PARALLEL})
   * @param labels free-form attributes for selectors, e.g. {@code device: NPU}
   */
  public record Endpoint(
      String id,
      URI uri,
      @DefaultValue("1.0") double weight,
      @DefaultValue("1") int maxConcurrency,
      Map<String, String> labels) {

    /** Copies the labels; absent labels become empty. */
    public Endpoint {
      labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  /**
   * Active health checking with an HTTP GET: {@code headroom.pools.<name>.health-check.*}. Any 2xx is healthy.
   *
   * @param path the path to GET, resolved against each endpoint's URI (e.g. {@code /api/version} for Ollama);
   *     no health check when not set
   * @param interval time between probes of one endpoint
   * @param timeout a probe not answered by then failed
   * @param jitter share of the interval by which each wait varies at random, in [0, 1)
   * @param unhealthyThreshold failed probes in a row that mark an endpoint down
   * @param healthyThreshold passed probes in a row that bring it back
   */
  public record HealthCheck(
      String path,
      @DefaultValue("10s") Duration interval,
      @DefaultValue("2s") Duration timeout,
      @DefaultValue("0.2") double jitter,
      @DefaultValue("2") int unhealthyThreshold,
      @DefaultValue("1") int healthyThreshold) {}

  /**
   * Passive outlier detection: {@code headroom.pools.<name>.outlier-detection.*}.
   *
   * @param enabled whether endpoints are ejected at all
   * @param consecutiveFailures failures in a row that eject (0: this trigger off)
   * @param failureRateThreshold share of failed calls in the window that ejects, in (0, 1]
   * @param failureRateMinRequests calls in the window before the rate counts (0: this trigger off)
   * @param failureRateWindow the tumbling window of the failure rate
   * @param baseEjectionTime the first ejection's length; the k-th in a row lasts base × 2^k
   * @param maxEjectionTime the cap on an ejection's length
   * @param maxEjectionShare the most endpoints ejected at once, as a share of the pool
   */
  public record OutlierDetection(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("5") int consecutiveFailures,
      @DefaultValue("0.5") double failureRateThreshold,
      @DefaultValue("20") int failureRateMinRequests,
      @DefaultValue("10s") Duration failureRateWindow,
      @DefaultValue("30s") Duration baseEjectionTime,
      @DefaultValue("5m") Duration maxEjectionTime,
      @DefaultValue("0.5") double maxEjectionShare) {

    /**
     * These settings as core's {@link dev.headroom.core.OutlierDetection} ({@code disabled()} when switched off),
     * for the modules' auto-configurations too.
     *
     * @param at the property path of these settings, named by a rejected value's error
     * @throws dev.headroom.core.ConfigException naming the property of a rejected value
     */
    public dev.headroom.core.OutlierDetection toCore(String at) {
      return PoolFactory.outlierDetection(at, this);
    }
  }

  /**
   * The per-endpoint circuit breaker: {@code headroom.pools.<name>.circuit-breaker.*}. When on, it is
   * {@link dev.headroom.core.PoolConfig#defaultCircuitBreaker()}; tune it in code with a
   * {@link HeadroomPoolCustomizer}.
   *
   * @param enabled whether each endpoint has a breaker
   */
  public record CircuitBreaker(@DefaultValue("true") boolean enabled) {}
}
