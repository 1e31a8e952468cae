package dev.headroom.spring.browser;

import dev.headroom.spring.discovery.DiscoveryProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code headroom.browser.*}: a {@link dev.headroom.browser.BrowserPool} of headless-Chromium sessions across local
 * hosts (a Chromium the pool launches) and remote ones (a DevTools endpoint), each with a session cap. Every default
 * is the one {@link dev.headroom.browser.BrowserPoolConfig.Builder} and {@link dev.headroom.browser.BrowserHost.Builder}
 * use.
 *
 * <pre>
 * headroom:
 *   browser:
 *     hosts:
 *       - {id: local-1, max-sessions: 3, min-idle: 1, recycle-after-contexts: 500, max-rss: 2GB}
 *       - {id: vm-2, endpoint: "http://10.0.0.7:9222", max-sessions: 5}
 * </pre>
 *
 * <p>The browsers start with the context and are killed, with all their helper processes, when it closes.
 *
 * @param enabled whether the pool is created when headroom.browser is configured
 * @param name the pool name: the pool metric tag
 * @param hosts the hosts (at least one)
 * @param maxWaiters the most callers waiting for a session at once (0: never wait)
 * @param commandTimeout how long one DevTools command may take
 * @param navigationTimeout how long a navigation may take, from sending it to its load event
 * @param launchTimeout how long a launch or remote connect may take
 * @param relaunchBackoff the first relaunch delay after a crash (it doubles per failure in a row)
 * @param maxRelaunchBackoff the cap on the relaunch delay
 * @param recycleDrainTimeout how long recycling waits for a retiring browser's sessions
 * @param maintenanceInterval how often each host's age and memory are checked
 * @param leakDetectionThreshold a session held longer is logged as a probable leak with the stack that leased it (0: off)
 * @param shutdownHook whether a JVM shutdown hook kills the launched browsers if the context is never closed
 * @param discovery members found at run time (DNS, Kubernetes, Spring Cloud), added to the configured ones; with
 *     a source the configured list may be empty
 * @param slowStart the window over which a member added at run time ramps up to its full share (none when unset)
 */
@ConfigurationProperties("headroom.browser")
public record HeadroomBrowserProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("browser") String name,
    List<Host> hosts,
    @DefaultValue("256") int maxWaiters,
    @DefaultValue("30s") Duration commandTimeout,
    @DefaultValue("30s") Duration navigationTimeout,
    @DefaultValue("30s") Duration launchTimeout,
    @DefaultValue("200ms") Duration relaunchBackoff,
    @DefaultValue("30s") Duration maxRelaunchBackoff,
    @DefaultValue("5m") Duration recycleDrainTimeout,
    @DefaultValue("5s") Duration maintenanceInterval,
    @DefaultValue("0ms") Duration leakDetectionThreshold,
    @DefaultValue("true") boolean shutdownHook,
    @DefaultValue DiscoveryProperties discovery,
    Duration slowStart) {

  /** Copies the host list; an absent list becomes empty (and fails validation with its property name). */
  public HeadroomBrowserProperties {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /**
   * One host: {@code headroom.browser.hosts[i].*}. Local unless {@code endpoint} is set; the settings after
   * {@code min-idle} apply to local hosts only.
   *
   * @param id unique in the pool; the endpoint metric tag
   * @param endpoint a remote browser's DevTools endpoint, http://host:9222 or its ws:// URL; a local host when not set
   * @param maxSessions the session cap: the most browser contexts at once, warm ones included
   * @param minIdle contexts kept created ahead of demand, at most max-sessions
   * @param executable the Chromium executable of a local host
   * @param extraArgs Chromium flags added after the pool's own, e.g. --window-size=1280,800
   * @param recycleAfterContexts retire the browser after this many contexts (0: never)
   * @param maxAge retire the browser once it is this old (0: never)
   * @param maxRss retire the browser when its process tree's resident memory passes this (0: never)
   */
  public record Host(
      String id,
      URI endpoint,
      @DefaultValue("5") int maxSessions,
      @DefaultValue("0") int minIdle,
      @DefaultValue("/usr/bin/chromium") String executable,
      List<String> extraArgs,
      @DefaultValue("0") long recycleAfterContexts,
      @DefaultValue("0s") Duration maxAge,
      @DefaultValue("0B") DataSize maxRss) {

    /** Copies the flags; absent ones become empty. */
    public Host {
      extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
    }
  }
}
