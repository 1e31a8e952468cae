package dev.headroom.discovery;

import dev.headroom.core.Checks;
import dev.headroom.core.discovery.DiscoverySource;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;

/**
 * Members from DNS, re-resolved on the records' TTL: the A/AAAA records of a name (a Kubernetes headless service
 * such as {@code ollama.ai.svc.cluster.local}: one member per pod address, on a port you give) or its SRV records
 * (host and port from each record).
 *
 * <pre>{@code
 * DiscoverySource ollama = DnsDiscovery.builder()
 *     .name("ollama.ai.svc.cluster.local")
 *     .port(11434)
 *     .build();
 * DiscoverySource workers = DnsDiscovery.builder()
 *     .name("_http._tcp.embed.ai.svc.cluster.local")
 *     .records(DnsDiscovery.Records.SRV)
 *     .build();
 * }</pre>
 *
 * <p>Members: for address records the id is {@code ip:port} ({@code [ip]:port} for IPv6) and the URI
 * {@code scheme://ip:port}; for SRV records {@code target:port} and {@code scheme://target:port}, with the labels
 * {@code priority} and {@code weight}. The scheme is {@code http} unless set. Every member is serving.
 *
 * <p>Timing: it resolves as soon as it is started, then again when the smallest TTL of the answer runs out, but never
 * sooner than {@link Builder#minRefresh(Duration) minRefresh} (1 s) nor later than
 * {@link Builder#maxRefresh(Duration) maxRefresh} (60 s). It asks the servers itself with dnsjava and keeps no cache
 * between resolutions, so the JVM's {@code InetAddress} cache (30 s or forever, whatever the TTL) plays no part. The
 * listener hears the set only when it changed.
 *
 * <p>Failures: a lookup that times out or fails (SERVFAIL, REFUSED, no route) is reported through
 * {@code Listener.onError} as a {@link DnsLookupException}; the last good set stands and it tries again after
 * {@code minRefresh}, doubled per failure in a row up to {@code maxRefresh}. <b>An answer with no records</b>
 * (NXDOMAIN, or the name exists without records of the type) is treated the same way by default: a headless service
 * scaled to zero answers so, but so do a typo, a service deleted and re-created, and a DNS server that lost its data,
 * and draining a whole fleet because of one of those is worse than keeping it a while. Set
 * {@link Builder#emptyIsValid(boolean) emptyIsValid(true)} where zero members is a state you expect; then an empty
 * answer is reported as an empty set.
 *
 * <p>Threads: one daemon thread per source ({@code headroom-dns-<name>}), or the
 * {@link Builder#scheduler(ScheduledExecutorService) scheduler} you give (a lookup blocks its thread for up to
 * {@link Builder#timeout(Duration) timeout}, twice for {@link Records#A_AND_AAAA}); the listener is called there.
 * Servers: the system's ({@code /etc/resolv.conf}, with its search path) unless {@link Builder#servers(List)} names
 * others.
 */
public final class DnsDiscovery implements DiscoverySource {
  private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

  /** Which records to resolve. */
  public enum Records {
    /** IPv4 addresses; the port comes from the builder. */
    A,
    /** IPv6 addresses; the port comes from the builder. */
    AAAA,
    /** IPv4 and IPv6 addresses (two lookups; if either fails the resolution fails); the port from the builder. */
    A_AND_AAAA,
    /** Service records: host, port, priority and weight from each record. */
    SRV
  }

  private final String name;
  private final Records records;
  private final int port;
  private final String scheme;
  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final Refresh refresh;
  private final boolean emptyIsValid;
  private final ScheduledExecutorService givenScheduler;
  private final DnsLookup lookup;

  private final Object lock = new Object();
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> next;
  private ChangeReporter reporter;
  private boolean started;
  private volatile boolean closed;
  private int failures;

  private DnsDiscovery(Builder builder, Name parsed, Resolver resolver) {
    this.name = builder.name;
    this.records = builder.records;
    this.port = builder.port;
    this.scheme = builder.scheme;
    this.servers = builder.servers;
    this.timeout = builder.timeout;
    this.refresh = new Refresh(builder.minRefresh, builder.maxRefresh);
    this.emptyIsValid = builder.emptyIsValid;
    this.givenScheduler = builder.scheduler;
    this.lookup = new DnsLookup(parsed, records, port, scheme, resolver, emptyIsValid);
  }

  /** A builder; {@link Builder#name(String)} is required, and {@link Builder#port(int)} unless SRV. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code dns}. */
  @Override
  public String name() {
    return "dns";
  }

  /** The name it resolves. */
  public String dnsName() {
    return name;
  }

  /** Resolves at once on the source's thread, and from then on as the class describes. */
  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      if (closed) {
        throw new IllegalStateException("closed");
      }
      started = true;
      reporter = new ChangeReporter("dns " + name, listener);
      scheduler = givenScheduler != null ? givenScheduler : Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "headroom-dns-" + name);
        thread.setDaemon(true);
        return thread;
      });
      schedule(Duration.ZERO);
    }
  }

  /** Stops resolving; stops its own thread (a given scheduler is left running). */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
      if (scheduler != null && scheduler != givenScheduler) {
        scheduler.shutdownNow();
      }
    }
  }

  private void resolve() {
    if (closed) {
      return;
    }
    Duration wait;
    try {
      DnsLookup.Answer answer = lookup.run();
      failures = 0;
      wait = refresh.afterAnswer(answer.ttl());
      if (!closed) {
        reporter.members(answer.members());
      }
    } catch (RuntimeException e) { // DnsLookupException, or dnsjava failing in a way it does not report as a result
      failures++;
      wait = refresh.afterFailure(failures);
      if (!closed) {
        reporter.error(e);
      }
    }
    schedule(wait);
  }

  private void schedule(Duration wait) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        next = scheduler.schedule(this::resolve, wait.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        log.warn("dns {}: the scheduler refused the next lookup; this source stops", name, e);
      }
    }
  }

  @Override
  public String toString() {
    return "DnsDiscovery{" + name + " " + records + (records == Records.SRV ? "" : " port " + port) + ", " + scheme
        + ", servers " + (servers.isEmpty() ? "system" : servers) + ", timeout " + timeout + ", refresh "
        + refresh.min() + ".." + refresh.max() + (emptyIsValid ? ", empty is valid" : "") + '}';
  }

  /** Settings of a {@link DnsDiscovery}; {@link #build()} checks them and makes an immutable source. */
  public static final class Builder {
    private String name;
    private Records records = Records.A;
    private int port = -1;
    private String scheme = "http";
    private List<InetSocketAddress> servers = List.of();
    private Duration timeout = Duration.ofSeconds(5);
    private Duration minRefresh = Duration.ofSeconds(1);
    private Duration maxRefresh = Duration.ofSeconds(60);
    private boolean emptyIsValid;
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * The name to resolve ({@code ollama.ai.svc.cluster.local}, {@code _http._tcp.embed.ai.svc.cluster.local});
     * required. A name without a trailing dot goes through the system's search path, as {@code resolv.conf} says.
     */
    public Builder name(String value) {
      this.name = value;
      return this;
    }

    /** Which records; default {@link Records#A}. */
    public Builder records(Records value) {
      this.records = value;
      return this;
    }

    /** The members' port for address records, in [1, 65535]; required for those, not allowed with SRV. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /** The members' URI scheme; default {@code http}. */
    public Builder scheme(String value) {
      this.scheme = value;
      return this;
    }

    /** The DNS servers to ask, in order; default (empty) the system's. */
    public Builder servers(List<InetSocketAddress> value) {
      this.servers = value == null ? null : List.copyOf(value);
      return this;
    }

    /** How long one lookup may take, over all servers and retries; default 5 s. */
    public Builder timeout(Duration value) {
      this.timeout = value;
      return this;
    }

    /** The shortest wait between two resolutions, and the first wait after a failure; default 1 s. */
    public Builder minRefresh(Duration value) {
      this.minRefresh = value;
      return this;
    }

    /** The longest wait between two resolutions, whatever the TTL or failures; default 60 s. */
    public Builder maxRefresh(Duration value) {
      this.maxRefresh = value;
      return this;
    }

    /**
     * Whether an answer without records (NXDOMAIN, or no records of the type) is a valid empty set (true) or a
     * failure that keeps the last good set (false, the default). See the class comment.
     */
    public Builder emptyIsValid(boolean value) {
      this.emptyIsValid = value;
      return this;
    }

    /** Runs the lookups on this scheduler instead of the source's own daemon thread; {@code close()} leaves it. */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = value;
      return this;
    }

    /** Checks the settings and builds the source (it does nothing until started). */
    public DnsDiscovery build() {
      Checks checks = Checks.in("dns discovery" + (name == null ? "" : " '" + name + "'"));
      checks.nonBlank("name", name);
      checks.required("records", records);
      if (records == Records.SRV) {
        if (port != -1) {
          throw checks.invalid("port", port, "must not be set with SRV records (each record has its port)");
        }
      } else if (port < 1 || port > 65_535) {
        throw checks.invalid("port", port == -1 ? "(missing)" : port, "must be in [1, 65535]");
      }
      checks.nonBlank("scheme", scheme);
      if (!scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
        throw checks.invalid("scheme", "'" + scheme + "'", "must be a URI scheme");
      }
      checks.required("servers", servers);
      checks.positive("timeout", timeout);
      checks.positive("minRefresh", minRefresh);
      checks.positive("maxRefresh", maxRefresh);
      if (maxRefresh.compareTo(minRefresh) < 0) {
        throw checks.invalid("maxRefresh", maxRefresh, "must be >= minRefresh (" + minRefresh + ")");
      }
      Name parsed;
      try {
        parsed = Name.fromString(name);
      } catch (TextParseException e) {
        throw checks.invalid("name", "'" + name + "'", "must be a DNS name");
      }
      return new DnsDiscovery(this, parsed, resolver());
    }

    private Resolver resolver() {
      ExtendedResolver resolver = servers.isEmpty() ? new ExtendedResolver()
          : new ExtendedResolver(servers.stream().map(SimpleResolver::new).toArray(Resolver[]::new));
      resolver.setTimeout(timeout);
      return resolver;
    }
  }
}
