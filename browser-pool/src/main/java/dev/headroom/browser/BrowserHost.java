package dev.headroom.browser;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One place where browser sessions run, and how many at once. Immutable; build one with {@link #local(String)} or
 * {@link #remote(String, URI)}.
 *
 * <ul>
 *   <li>A <b>local</b> host is a headless Chromium the pool launches itself (Debian's {@code /usr/bin/chromium} by
 *       default), with a fresh profile directory, its DevTools port on loopback and the flags that keep it off the
 *       network. The pool can recycle it (after a number of contexts, an age, or a resident-memory size read from
 *       {@code /proc}) and relaunches it when it crashes.</li>
 *   <li>A <b>remote</b> host is a browser someone else runs, reached through its DevTools endpoint:
 *       {@code http://host:9222} (the pool reads {@code /json/version} for the WebSocket URL) or the
 *       {@code ws://host:9222/devtools/browser/...} URL itself. When its connection drops the pool reconnects with
 *       backoff once {@code /json/version} answers again.</li>
 * </ul>
 *
 * <pre>{@code
 * BrowserHost.local("vm-1").maxSessions(5).minIdle(1).recycleAfterContexts(500).maxRssBytes(2L << 30).build();
 * BrowserHost.remote("vm-2", URI.create("http://10.0.0.7:9222")).maxSessions(5).build();
 * }</pre>
 */
public final class BrowserHost {
  /** Debian's Chromium launcher. */
  public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");

  private final String id;
  private final boolean local;
  private final URI endpoint;
  private final Path executable;
  private final List<String> extraArgs;
  private final int maxSessions;
  private final int minIdle;
  private final long recycleAfterContexts;
  private final Duration maxAge;
  private final long maxRssBytes;

  private BrowserHost(Builder b) {
    this.id = b.id;
    this.local = b.local;
    this.endpoint = b.endpoint;
    this.executable = b.executable;
    this.extraArgs = List.copyOf(b.extraArgs);
    this.maxSessions = b.maxSessions;
    this.minIdle = b.minIdle;
    this.recycleAfterContexts = b.recycleAfterContexts;
    this.maxAge = b.maxAge;
    this.maxRssBytes = b.maxRssBytes;
  }

  /** A builder for a host whose Chromium the pool launches and owns. */
  public static Builder local(String id) {
    return new Builder(id, true, null);
  }

  /**
   * A builder for a browser reached over the network.
   *
   * @param endpoint {@code http(s)://host:port} of its DevTools server, or its {@code ws(s)://} browser URL
   */
  public static Builder remote(String id, URI endpoint) {
    return new Builder(id, false, Objects.requireNonNull(endpoint, "endpoint"));
  }

  /** The host id, unique in a pool; used in metrics tags, errors and {@link HostStatus}. */
  public String id() {
    return id;
  }

  /** Whether the pool launches this host's browser itself. */
  public boolean isLocal() {
    return local;
  }

  /** A remote host's DevTools endpoint; empty for a local host. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** The Chromium executable of a local host. */
  public Path executable() {
    return executable;
  }

  /** Flags added after the pool's own when launching a local host. */
  public List<String> extraArgs() {
    return extraArgs;
  }

  /** The most sessions (browser contexts, warm ones included) this host holds at once: its session cap. */
  public int maxSessions() {
    return maxSessions;
  }

  /** Contexts kept created ahead of demand so a lease does not wait for one (within {@link #maxSessions()}). */
  public int minIdle() {
    return minIdle;
  }

  /** A local browser is retired after creating this many contexts; 0 = never. */
  public long recycleAfterContexts() {
    return recycleAfterContexts;
  }

  /** A local browser is retired once it is this old; {@link Duration#ZERO} = never. */
  public Duration maxAge() {
    return maxAge;
  }

  /**
   * A local browser is retired when the resident memory of its process tree passes this (summed PSS from
   * {@code /proc/<pid>/smaps_rollup}, so shared pages count once); 0 = never.
   */
  public long maxRssBytes() {
    return maxRssBytes;
  }

  @Override
  public String toString() {
    return "BrowserHost{" + id + (local ? ", local " + executable : ", remote " + endpoint) + ", maxSessions="
        + maxSessions + ", minIdle=" + minIdle + '}';
  }

  /** Builds a {@link BrowserHost}; {@link #build()} validates and names any bad setting. */
  public static final class Builder {
    private final String id;
    private final boolean local;
    private final URI endpoint;
    private Path executable = DEFAULT_EXECUTABLE;
    private final List<String> extraArgs = new ArrayList<>();
    private int maxSessions = 5;
    private int minIdle;
    private long recycleAfterContexts;
    private Duration maxAge = Duration.ZERO;
    private long maxRssBytes;
    private final List<String> localOnly = new ArrayList<>();

    private Builder(String id, boolean local, URI endpoint) {
      this.id = id;
      this.local = local;
      this.endpoint = endpoint;
    }

    /** The session cap (the seeds' {@code MAX_SESSIONS_PER_VM}); default 5. */
    public Builder maxSessions(int value) {
      this.maxSessions = value;
      return this;
    }

    /** Contexts kept warm; default 0. At most {@link #maxSessions(int)}. */
    public Builder minIdle(int value) {
      this.minIdle = value;
      return this;
    }

    /** The Chromium executable (local hosts); default {@code /usr/bin/chromium}. */
    public Builder executable(Path value) {
      this.executable = Objects.requireNonNull(value, "executable");
      localOnly.add("executable");
      return this;
    }

    /**
     * Adds a Chromium flag such as {@code --window-size=1280,800} (local hosts). A {@code --disable-features=...} is
     * merged with the features the pool turns off.
     */
    public Builder extraArg(String flag) {
      extraArgs.add(Objects.requireNonNull(flag, "flag"));
      localOnly.add("extraArg");
      return this;
    }

    /** Retire the browser after it has created this many contexts (local hosts); 0, the default, never. */
    public Builder recycleAfterContexts(long value) {
      this.recycleAfterContexts = value;
      localOnly.add("recycleAfterContexts");
      return this;
    }

    /** Retire the browser once it is this old (local hosts); zero, the default, never. */
    public Builder maxAge(Duration value) {
      this.maxAge = Objects.requireNonNull(value, "maxAge");
      localOnly.add("maxAge");
      return this;
    }

    /** Retire the browser when its process tree's resident memory passes this (local hosts); 0, the default, never. */
    public Builder maxRssBytes(long value) {
      this.maxRssBytes = value;
      localOnly.add("maxRssBytes");
      return this;
    }

    /** Validates and builds. */
    public BrowserHost build() {
      Checks.plain().nonBlank("browser host id", id);
      Checks host = Checks.in("browser host '" + id + "'");
      host.atLeast("maxSessions", maxSessions, 1);
      if (minIdle < 0 || minIdle > maxSessions) {
        throw host.invalid("minIdle", minIdle, "must be in [0, maxSessions = " + maxSessions + "]");
      }
      if (recycleAfterContexts < 0) {
        throw host.invalid("recycleAfterContexts", recycleAfterContexts, "must be >= 0 (0 = never)");
      }
      if (maxAge.isNegative()) {
        throw host.invalid("maxAge", maxAge, "must be >= 0 (0 = never)");
      }
      if (maxRssBytes < 0) {
        throw host.invalid("maxRssBytes", maxRssBytes, "must be >= 0 (0 = never)");
      }
      if (local) {
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
          throw host.invalid("executable", executable,
              "must be an executable file (on Debian: apt-get install chromium)");
        }
      } else {
        if (!localOnly.isEmpty()) {
          throw host.invalid(localOnly.get(0), "set", "applies to local hosts only");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("http", "https", "ws", "wss").contains(scheme) || endpoint.getHost() == null) {
          throw host.invalid("endpoint", endpoint,
              "must be http(s)://host:port of a DevTools server or its ws(s):// browser URL");
        }
      }
      return new BrowserHost(this);
    }
  }
}
