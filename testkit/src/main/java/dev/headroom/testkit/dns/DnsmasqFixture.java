package dev.headroom.testkit.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real DNS server for tests: Debian's {@code dnsmasq} on a free loopback port (UDP and TCP), answering only for
 * one local domain ({@code test} by default) from records the test sets, with a fixed TTL. Names of the domain it
 * has no records for get NXDOMAIN; names outside it get REFUSED. It never forwards a query anywhere.
 *
 * <pre>{@code
 * try (DnsmasqFixture dns = DnsmasqFixture.builder().ttl(Duration.ofSeconds(2)).start()) {
 *   dns.addresses("ollama.test", "127.0.0.11", "127.0.0.12");                   // A records
 *   dns.srv("_http._tcp.ollama.test", new DnsmasqFixture.Srv("a.ollama.test", 8080, 0, 5));
 *   ... resolve against dns.address() ...
 *   dns.stop();                                                                  // queries fail
 *   dns.start();                                                                 // back, same port
 * }
 * }</pre>
 *
 * <p>How records change while it runs: address records (A and AAAA) live in a hosts file that dnsmasq re-reads on
 * SIGHUP, so {@link #addresses} rewrites it, sends SIGHUP and returns once dnsmasq has logged the re-read; the server
 * keeps answering throughout. SRV records live in its configuration file, which dnsmasq reads only at start, so
 * {@link #srv} restarts it on the same port (queries that arrive in that short gap fail). Either way the change is
 * visible to the next query when the method returns.
 *
 * <p>dnsmasq runs in the foreground ({@code --no-daemon}: no fork, no pid file, no change of user) with
 * {@code --no-resolv --no-hosts} and its own {@code --conf-file} (no upstream servers, not the machine's
 * {@code /etc/hosts} nor {@code /etc/dnsmasq.conf}), bound to 127.0.0.1 only; it never touches the machine's own
 * resolver or port 53. {@link #close()} kills it and deletes its directory; a JVM shutdown hook does the same if a
 * test forgets. Needs {@code /usr/sbin/dnsmasq} (the Debian package {@code dnsmasq-base}, which has no system
 * service; {@code scripts/test.sh} installs it).
 */
public final class DnsmasqFixture implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(10);

  private final Builder config;
  private final Path dir;
  private final Path hostsFile;
  private final Path confFile;
  private final Path logFile;
  private final int port;
  private final Map<String, List<String>> addresses = new LinkedHashMap<>();
  private final Map<String, List<Srv>> srvRecords = new LinkedHashMap<>();
  private final Thread shutdownHook;
  private Process process;
  private boolean closed;

  /**
   * One SRV record's data.
   *
   * @param target the host name the record points to (a name, not an address)
   * @param port the port
   * @param priority lower is preferred
   * @param weight the share among records of the same priority
   */
  public record Srv(String target, int port, int priority, int weight) {
    /** Checks the values. */
    public Srv {
      Objects.requireNonNull(target, "target");
      if (port < 1 || port > 65_535 || priority < 0 || priority > 65_535 || weight < 0 || weight > 65_535) {
        throw new IllegalArgumentException("SRV values out of range: " + port + ", " + priority + ", " + weight);
      }
    }
  }

  private DnsmasqFixture(Builder config) {
    this.config = config;
    try {
      this.dir = Files.createTempDirectory("headroom-dnsmasq-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the dnsmasq directory", e);
    }
    this.hostsFile = dir.resolve("hosts");
    this.confFile = dir.resolve("dnsmasq.conf");
    this.logFile = dir.resolve("dnsmasq.log");
    this.port = freePort();
    this.shutdownHook = new Thread(this::destroy, "dnsmasq-fixture-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A builder with the defaults: TTL 1 s, domain {@code test}, {@code /usr/sbin/dnsmasq}, start timeout 10 s. */
  public static Builder builder() {
    return new Builder();
  }

  /** 127.0.0.1 and the port, for a resolver. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** The loopback port (UDP and TCP), kept across {@link #stop()} and {@link #start()}. */
  public int port() {
    return port;
  }

  /** The TTL of every answer. */
  public Duration ttl() {
    return config.ttl;
  }

  /** dnsmasq's log (it logs to stderr, which goes here). */
  public Path logFile() {
    return logFile;
  }

  /**
   * Replaces the address records of {@code name} with {@code ips} (IPv4 ones become A records, IPv6 ones AAAA);
   * no ips removes the name, so that it gets NXDOMAIN. While the server runs, returns once it answers with them.
   */
  public synchronized DnsmasqFixture addresses(String name, String... ips) {
    checkOpen();
    if (ips.length == 0) {
      addresses.remove(name);
    } else {
      addresses.put(name, List.copyOf(Arrays.asList(ips)));
    }
    writeHosts();
    if (isRunning()) {
      reloadHosts();
    }
    return this;
  }

  /**
   * Replaces the SRV records of {@code name} ({@code _http._tcp.ollama.test}); none removes them. While the server
   * runs, this restarts it on the same port (dnsmasq reads SRV records only at start) and returns once it listens.
   */
  public synchronized DnsmasqFixture srv(String name, Srv... records) {
    checkOpen();
    if (records.length == 0) {
      srvRecords.remove(name);
    } else {
      srvRecords.put(name, List.copyOf(Arrays.asList(records)));
    }
    writeConf();
    if (isRunning()) {
      stopProcess(false);
      launch();
    }
    return this;
  }

  /** Starts dnsmasq (again, on the same port) and returns once it listens; does nothing while it runs. */
  public synchronized DnsmasqFixture start() {
    checkOpen();
    if (!isRunning()) {
      writeHosts();
      writeConf();
      launch();
    }
    return this;
  }

  /** Stops dnsmasq (SIGTERM) and waits until it has exited; queries then fail (the port is closed). */
  public synchronized void stop() {
    stopProcess(false);
  }

  /** Kills dnsmasq (SIGKILL) and waits until it has exited. */
  public synchronized void kill() {
    stopProcess(true);
  }

  /** Whether dnsmasq is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills dnsmasq and deletes its directory. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    destroy();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  @Override
  public String toString() {
    return "DnsmasqFixture{127.0.0.1:" + port + ", domain " + config.domain + ", ttl " + config.ttl
        + (isRunning() ? "" : ", stopped") + '}';
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
  }

  private synchronized void destroy() {
    stopProcess(true);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // a temporary directory; nothing else to do
    }
  }

  private List<String> command() {
    return new ArrayList<>(List.of(config.dnsmasq,
        "--no-daemon", "--no-resolv", "--no-hosts", "--log-facility=-",
        "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces",
        "--local=/" + config.domain + "/",
        "--local-ttl=" + config.ttl.toSeconds(),
        "--addn-hosts=" + hostsFile,
        "--conf-file=" + confFile));
  }

  private void launch() {
    Process started;
    try {
      started = new ProcessBuilder(command()).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + config.dnsmasq + " (install the Debian package dnsmasq-base)", e);
    }
    process = started;
    long deadline = System.nanoTime() + config.startTimeout.toNanos();
    while (!listening()) {
      if (!started.isAlive()) {
        process = null;
        throw new IllegalStateException("dnsmasq exited at start with " + started.exitValue() + "; log:\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("dnsmasq did not listen on 127.0.0.1:" + port + " within "
            + config.startTimeout + "; log:\n" + log());
      }
      pause();
    }
  }

  /** dnsmasq opens its UDP and TCP sockets together, before it serves; a TCP connect shows both are there. */
  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(address(), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Sends SIGHUP and waits until dnsmasq logs that it has re-read the hosts file. */
  private void reloadHosts() {
    String marker = "read " + hostsFile + " - ";
    long before = count(marker);
    try {
      // the shell's own kill: no dependency on procps
      Process kill = new ProcessBuilder("sh", "-c", "kill -HUP " + process.pid()).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -HUP " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    long deadline = System.nanoTime() + config.startTimeout.toNanos();
    while (count(marker) <= before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("dnsmasq did not re-read " + hostsFile + "; log:\n" + log());
      }
      pause();
    }
  }

  private long count(String marker) {
    try (Stream<String> lines = Files.lines(logFile)) {
      return lines.filter(line -> line.contains(marker)).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private void stopProcess(boolean forcibly) {
    Process running = process;
    process = null;
    if (running == null) {
      return;
    }
    if (forcibly) {
      running.destroyForcibly();
    } else {
      running.destroy();
    }
    try {
      if (!running.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("dnsmasq did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for dnsmasq to exit", e);
    }
  }

  private void writeHosts() {
    StringBuilder hosts = new StringBuilder();
    addresses.forEach((name, ips) -> ips.forEach(ip -> hosts.append(ip).append(' ').append(name).append('\n')));
    write(hostsFile, hosts.toString());
  }

  private void writeConf() {
    StringBuilder conf = new StringBuilder();
    srvRecords.forEach((name, records) -> records.forEach(r -> conf.append("srv-host=").append(name).append(',')
        .append(r.target()).append(',').append(r.port()).append(',').append(r.priority()).append(',')
        .append(r.weight()).append('\n')));
    write(confFile, conf.toString());
  }

  private static void write(Path file, String text) {
    try {
      Path temporary = file.resolveSibling(file.getFileName() + ".new");
      Files.writeString(temporary, text);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private String log() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis()); // polling an external process between checks, never a test assertion
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A loopback port free for both UDP and TCP at the moment of the check. */
  private static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
        return udp.getLocalPort();
      } catch (IOException taken) {
        // the UDP port of this TCP port is taken; try another
      }
    }
    throw new IllegalStateException("no loopback port free for both UDP and TCP");
  }

  /** Settings of a {@link DnsmasqFixture}. */
  public static final class Builder {
    private Duration ttl = Duration.ofSeconds(1);
    private String domain = "test";
    private String dnsmasq = "/usr/sbin/dnsmasq";
    private Duration startTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The TTL of every answer, whole seconds (dnsmasq's {@code --local-ttl}); default 1 s. */
    public Builder ttl(Duration value) {
      if (value.isNegative() || value.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("ttl must be whole seconds >= 0 but was " + value);
      }
      this.ttl = value;
      return this;
    }

    /** The domain it answers for ({@code --local=/domain/}); default {@code test}. */
    public Builder domain(String value) {
      this.domain = Objects.requireNonNull(value, "domain");
      return this;
    }

    /** The dnsmasq binary; default {@code /usr/sbin/dnsmasq}. */
    public Builder dnsmasq(String value) {
      this.dnsmasq = Objects.requireNonNull(value, "dnsmasq");
      return this;
    }

    /** How long a start or a re-read may take; default 10 s. */
    public Builder startTimeout(Duration value) {
      this.startTimeout = Objects.requireNonNull(value, "startTimeout");
      return this;
    }

    /** Starts dnsmasq with no records yet and returns once it listens. */
    public DnsmasqFixture start() {
      DnsmasqFixture fixture = new DnsmasqFixture(this);
      try {
        return fixture.start();
      } catch (RuntimeException e) {
        fixture.close();
        throw e;
      }
    }
  }
}
