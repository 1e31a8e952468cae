package dev.headroom.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code headroom.*} properties of the core auto-configuration: pools, routers and the shutdown drain.
 *
 * <pre>
 * headroom:
 *   pools:
 *     ollama:
 *       endpoints:
 *         - {id: gpu-1, uri: "http://10.0.0.5:11434", max-concurrency: 4}
 *         - {id: gpu-2, uri: "http://10.0.0.6:11434", max-concurrency: 4}
 *       health-check: {path: /api/version}
 *     cloud:
 *       endpoints: [{id: openai, uri: "https://api.openai.com", max-concurrency: 64}]
 *   routers:
 *     chat:
 *       tiers:
 *         - {pool: ollama, name: local, wait-budget: 300ms}
 *         - {pool: cloud}
 * </pre>
 *
 * <p>Other modules' settings ({@code headroom.scaling.*}, and later {@code headroom.llm.*}, {@code headroom.npu.*},
 * {@code headroom.browser.*}, {@code headroom.cache.*}, {@code headroom.sql.*}) live in their own properties
 * classes, each bound by its own auto-configuration.
 *
 * @param enabled whether Headroom's auto-configuration runs at all
 * @param shutdown what happens to the pools when the application stops
 * @param pools the pools, by name (the name is the pool metric tag)
 * @param routers the routers, by name (the name is the router metric tag)
 */
@ConfigurationProperties("headroom")
public record HeadroomProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue Shutdown shutdown,
    Map<String, PoolProperties> pools,
    Map<String, RouterProperties> routers) {

  /** Copies the maps, keeping their order; absent maps become empty. */
  public HeadroomProperties {
    pools = pools == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    routers = routers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routers));
  }

  /**
   * The graceful stop: when the application context stops, every pool drains (no new leases; held ones finish),
   * for at most {@code drainTimeout}, and is then closed. Keep it below
   * {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default).
   *
   * @param drainTimeout the longest the stop waits for held leases to end
   */
  public record Shutdown(@DefaultValue("20s") Duration drainTimeout) {}
}
