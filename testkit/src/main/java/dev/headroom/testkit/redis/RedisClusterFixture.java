package dev.headroom.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster for tests: {@code masters × (1 + replicasPerMaster)} {@code redis-server} processes on free
 * loopback ports, each in its own folder under one temporary directory ({@code cluster-enabled yes}, a short
 * {@code cluster-node-timeout}, no RDB or AOF persistence), joined with
 * {@code redis-cli --cluster create … --cluster-replicas N --cluster-yes}. {@link #start()} returns once every node
 * reports {@code cluster_state:ok}, knows every other node, and every replica's link to its master is up.
 *
 * <p>Nodes can be killed with SIGKILL ({@link #kill(RedisNode)}, like {@code kill -9}), stopped gracefully
 * ({@link #stop(RedisNode)}) and restarted on the same port with the same {@code nodes.conf}
 * ({@link #restart(RedisNode)}), after which they rejoin the cluster. {@link #close()} kills every process and deletes
 * the directory; a JVM shutdown hook does the same if the test forgets to close it.
 *
 * <p>Needs the Debian packages {@code redis-server} and {@code redis-tools} ({@code scripts/test.sh} installs them).
 * Never touches any Redis it did not start.
 */
public final class RedisClusterFixture implements AutoCloseable {
  /** Node ports are drawn from [FIRST_PORT, LAST_PORT): below Linux's ephemeral range (see freePortPair). */
  private static final int FIRST_PORT = 20_000;
  private static final int LAST_PORT = 32_000;

  private static final Logger log = LoggerFactory.getLogger(RedisClusterFixture.class);
  static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);

  private final Builder config;
  private final RedisCli cli;
  private final Path root;
  private final List<RedisNode> nodes = new ArrayList<>();
  private final RedisProcesses processes;
  private final ClusterReadiness readiness;
  private final Map<RedisNode, List<int[]>> slotsAtStop = new HashMap<>();
  private final Thread shutdownHook;
  private boolean started;
  private boolean closed;

  private RedisClusterFixture(Builder config) {
    this.config = config;
    this.cli = new RedisCli(config.redisCli, config.password);
    this.processes = new RedisProcesses(config, cli, this);
    try {
      this.root = Files.createTempDirectory("headroom-redis-cluster-");
      int count = config.masters * (1 + config.replicasPerMaster);
      for (int i = 0; i < count; i++) {
        Path dir = Files.createDirectory(root.resolve("node-" + i));
        int[] ports = freePortPair();
        nodes.add(new RedisNode(i, ports[0], ports[1], dir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the cluster's directories", e);
    }
    this.readiness = new ClusterReadiness(this, nodes, processes);
    this.shutdownHook = new Thread(this::destroyAll, "redis-cluster-fixture-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A builder with the defaults: 3 masters, 1 replica each, cluster-node-timeout 2000 ms. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a default cluster (3 masters + 3 replicas) and waits until it is ready. */
  public static RedisClusterFixture start() {
    return builder().start();
  }

  /** Every node, in creation order (the first {@code masters} were created as masters). */
  public List<RedisNode> nodes() {
    return List.copyOf(nodes);
  }

  /** The nodes' URIs, to seed a cluster client. */
  public List<URI> uris() {
    return nodes.stream().map(RedisNode::uri).toList();
  }

  /** Starts every node and creates the cluster, if not done yet; returns this fixture once it is ready. */
  public synchronized RedisClusterFixture startCluster() {
    if (started) {
      return this;
    }
    try {
      for (RedisNode node : nodes) {
        processes.writeConfig(node);
        processes.launch(node);
      }
      List<String> args = new ArrayList<>(List.of("--cluster", "create"));
      nodes.forEach(n -> args.add("127.0.0.1:" + n.port()));
      args.addAll(List.of("--cluster-replicas", Integer.toString(config.replicasPerMaster), "--cluster-yes"));
      cli.raw(config.startTimeout, root.resolve("cluster-create.log"), args.toArray(String[]::new));
      for (RedisNode node : nodes) {
        node.nodeId(command(node, "CLUSTER", "MYID"));
      }
      started = true;
      awaitClusterOk(config.startTimeout);
      log.info("Redis Cluster ready: {} nodes on ports {} in {}", nodes.size(),
          nodes.stream().map(n -> Integer.toString(n.port())).toList(), root);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Runs a command on one node with {@code redis-cli} and returns its reply as text. */
  public String command(RedisNode node, String... args) {
    return cli.run(node.port(), CLI_TIMEOUT, args);
  }

  /** The cluster as a live node sees it ({@code CLUSTER NODES}). */
  public List<ClusterNodeInfo> topology() {
    RedisNode any = nodes.stream().filter(this::isRunning).findFirst()
        .orElseThrow(() -> new IllegalStateException("no node is running"));
    return ClusterNodeInfo.parse(command(any, "CLUSTER", "NODES"));
  }

  /** The live master serving {@code slot}, as a live node sees it. */
  public RedisNode masterForSlot(int slot) {
    return topology().stream().filter(n -> n.isLiveMaster() && n.servesSlot(slot)).findFirst()
        .map(n -> byPort(n.port())).orElseThrow(() -> new IllegalStateException("no live master serves slot " + slot));
  }

  /** The live master serving {@code key}. */
  public RedisNode masterForKey(String key) {
    return masterForSlot(slotOf(key));
  }

  /** The hash slot of {@code key} ({@code CLUSTER KEYSLOT}). */
  public int slotOf(String key) {
    RedisNode any = nodes.stream().filter(this::isRunning).findFirst().orElseThrow();
    return Integer.parseInt(command(any, "CLUSTER", "KEYSLOT", key));
  }

  /** The nodes that are live masters now. */
  public List<RedisNode> masters() {
    return topology().stream().filter(ClusterNodeInfo::isLiveMaster).map(n -> byPort(n.port())).toList();
  }

  /** The running nodes that are replicas now. */
  public List<RedisNode> replicas() {
    return topology().stream().filter(n -> n.isReplica() && !n.flags().contains("fail"))
        .map(n -> byPort(n.port())).filter(this::isRunning).toList();
  }

  /** The node on {@code port}. */
  public RedisNode byPort(int port) {
    return nodes.stream().filter(n -> n.port() == port).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node of this fixture on port " + port));
  }

  /** Calls per command on one node since start or {@link #resetStats()}, from {@code INFO commandstats}. */
  public Map<String, Long> commandCalls(RedisNode node) {
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : command(node, "INFO", "commandstats").split("\n")) {
      line = line.strip();
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        int from = line.indexOf("calls=") + "calls=".length();
        int to = line.indexOf(',', from);
        calls.put(name, Long.parseLong(line.substring(from, to)));
      }
    }
    return calls;
  }

  /** Runs {@code CONFIG RESETSTAT} on every running node. */
  public void resetStats() {
    nodes.stream().filter(this::isRunning).forEach(n -> command(n, "CONFIG", "RESETSTAT"));
  }

  /** Kills the node's process with SIGKILL ({@code kill -9}) and waits until it is gone. */
  public void kill(RedisNode node) {
    rememberSlots(node);
    processes.stop(node, true);
  }

  /** Stops the node with SIGTERM (a clean shutdown; nothing is saved) and waits until it is gone. */
  public void stop(RedisNode node) {
    rememberSlots(node);
    processes.stop(node, false);
  }

  private void rememberSlots(RedisNode node) {
    if (!isRunning(node)) {
      return;
    }
    List<int[]> slots = topology().stream().filter(i -> i.port() == node.port() && i.isLiveMaster()).findFirst()
        .map(ClusterNodeInfo::slotRanges).orElse(List.of());
    synchronized (this) {
      slotsAtStop.put(node, slots);
    }
  }

  /** Starts a killed or stopped node again on its port; it rejoins with its {@code nodes.conf}. */
  public void restart(RedisNode node) {
    processes.restart(node);
  }

  /** Whether the node's process is running. */
  public boolean isRunning(RedisNode node) {
    return processes.isRunning(node);
  }

  /**
   * Waits until every running node reports {@code cluster_state:ok}, sees every slot served, agrees with the others
   * on who serves what, and every running replica's link to its master is up.
   */
  public void awaitClusterOk(Duration timeout) {
    readiness.await(timeout);
  }

  /**
   * After {@code deadMaster} was killed or stopped: waits until another running node serves the slots it served when
   * it went down and every running node reports the cluster ok again, and returns that new master.
   */
  public RedisNode awaitFailover(RedisNode deadMaster, Duration timeout) {
    List<int[]> slots;
    synchronized (this) {
      slots = slotsAtStop.get(deadMaster);
    }
    if (slots == null || slots.isEmpty()) {
      throw new IllegalArgumentException(deadMaster + " was not a master serving slots when it was stopped");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        RedisNode master = masterForSlot(slots.get(0)[0]);
        if (master != deadMaster && isRunning(master) && readiness.problem().isEmpty()) {
          return master;
        }
      } catch (IllegalStateException notYet) {
        // no live master for the slot yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no replica of " + deadMaster + " was promoted within " + timeout);
      }
      RedisProcesses.pause(50);
    }
  }

  /** Kills every node and deletes the cluster's directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran: nothing more to do
    }
  }

  private void destroyAll() {
    processes.destroyAll();
    deleteTree(root);
  }

  /** Two free loopback ports: the client port and the cluster bus port. */
  /**
   * Two free loopback ports (the node's and its cluster bus's) below the kernel's ephemeral range (Linux hands out
   * 32768 and up as source ports). A port the kernel chose with {@code new ServerSocket(0)} is an ephemeral one, and
   * a client that keeps connecting to a node that is not started yet (a cache client retrying) can take it as its
   * own source port, or connect to itself on it, before the node binds it: "Address already in use".
   */
  private static int[] freePortPair() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 500; attempt++) {
      int a = random.nextInt(FIRST_PORT, LAST_PORT);
      int b = random.nextInt(FIRST_PORT, LAST_PORT);
      if (a == b) {
        continue;
      }
      try (ServerSocket first = new ServerSocket(a, 1, loopback);
          ServerSocket second = new ServerSocket(b, 1, loopback)) {
        return new int[] {first.getLocalPort(), second.getLocalPort()};
      } catch (IOException taken) {
        // in use: try another pair
      }
    }
    throw new IOException("no two free loopback ports in [" + FIRST_PORT + ", " + LAST_PORT + ")");
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a file a dying process still writes may reappear
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "RedisClusterFixture{" + nodes.size() + " nodes in " + root + '}';
  }

  /** Settings of a {@link RedisClusterFixture}. */
  public static final class Builder {
    int masters = 3;
    int replicasPerMaster = 1;
    Duration nodeTimeout = Duration.ofMillis(2000);
    Duration startTimeout = Duration.ofSeconds(60);
    String redisServer = "redis-server";
    String redisCli = "redis-cli";
    String password;
    final Map<String, String> extraConfig = new LinkedHashMap<>();

    private Builder() {}

    /** The number of masters (at least 3, as Redis Cluster requires). */
    public Builder masters(int value) {
      if (value < 3) {
        throw new IllegalArgumentException("masters must be >= 3 but was " + value);
      }
      this.masters = value;
      return this;
    }

    /** The number of replicas of each master (0 or more). */
    public Builder replicasPerMaster(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("replicasPerMaster must be >= 0 but was " + value);
      }
      this.replicasPerMaster = value;
      return this;
    }

    /** {@code cluster-node-timeout}: how long a node may be unreachable before it is failed over. */
    public Builder nodeTimeout(Duration value) {
      this.nodeTimeout = Objects.requireNonNull(value, "nodeTimeout");
      return this;
    }

    /** How long starting a node or the whole cluster may take. */
    public Builder startTimeout(Duration value) {
      this.startTimeout = Objects.requireNonNull(value, "startTimeout");
      return this;
    }

    /** Another {@code redis.conf} line for every node, such as {@code maxmemory 64mb}. */
    public Builder config(String key, String value) {
      extraConfig.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Makes every node require this password ({@code requirepass}, and {@code masterauth} so replicas can sync); the
     * fixture's own {@code redis-cli} calls authenticate with it, and {@link RedisClusterFixture#uris()} stay without
     * it, so a client must be given it. Letters and digits only (it is written into {@code redis.conf}).
     */
    public Builder password(String value) {
      if (value == null || !value.matches("[A-Za-z0-9]{1,128}")) {
        throw new IllegalArgumentException("password must be 1-128 letters and digits");
      }
      this.password = value;
      return this;
    }

    /** The {@code redis-server} executable (default: from the PATH). */
    public Builder redisServer(String path) {
      this.redisServer = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The {@code redis-cli} executable (default: from the PATH). */
    public Builder redisCli(String path) {
      this.redisCli = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Chooses the ports and directories without starting anything: {@link #uris()} are known, and
     * {@link #startCluster()} starts the cluster later (to test a client that starts before its Redis).
     */
    public RedisClusterFixture build() {
      return new RedisClusterFixture(this);
    }

    /** Builds and starts the cluster, and waits until it is ready. */
    public RedisClusterFixture start() {
      return build().startCluster();
    }
  }
}
