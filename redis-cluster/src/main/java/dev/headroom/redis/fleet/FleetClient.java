package dev.headroom.redis.fleet;

import dev.headroom.redis.fleet.FleetScripts.Script;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet's own Lettuce client of the Redis Cluster: one connection to the masters ({@code REJECT_COMMANDS} while
 * disconnected, so a call to a node that is down fails at once instead of queueing), scripts run with
 * {@code EVALSHA} and a fallback to {@code EVAL}, and {@link #await} to wait for a reply at most a budget.
 */
final class FleetClient implements AutoCloseable {
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final ClientResources resources;
  private final RedisClusterClient client;
  private final Object lock = new Object();
  private volatile StatefulRedisClusterConnection<String, byte[]> connection;
  private CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> connecting;
  private volatile boolean closed;

  FleetClient(FleetSettings settings) {
    String threads = "headroom-fleet-" + settings.replicaId() + "-io";
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(1)
        .threadFactoryProvider(pool -> daemonThreads(threads))
        // reconnect soon after Redis is back: Lettuce's default backs off to 30 s
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
    List<RedisURI> seeds = new ArrayList<>();
    for (RedisURI seed : settings.seeds()) {
      seeds.add(RedisURI.builder(seed).withTimeout(settings.lettuceTimeout())
          .withClientName(settings.clientName()).build());
    }
    this.client = RedisClusterClient.create(resources, seeds);
    this.client.setOptions(ClusterClientOptions.builder()
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder() // every adaptive trigger is on by default
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
            .refreshTriggersReconnectAttempts(3)
            .dynamicRefreshSources(true)
            .closeStaleConnections(true)
            .build())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(settings.lettuceTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build())
        .nodeFilter(node -> !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL)
            || node.is(NodeFlag.NOADDR)))
        .autoReconnect(true)
        .maxRedirects(3)
        .build());
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Whether a connection is open (Lettuce reconnects it by itself after that). */
  boolean connected() {
    return connection != null;
  }

  /** The async commands of the connection, or null while not connected. */
  RedisAdvancedClusterAsyncCommands<String, byte[]> commands() {
    StatefulRedisClusterConnection<String, byte[]> c = connection;
    return c == null ? null : c.async();
  }

  /** Connects, once: a second call while the first is under way returns the same future. */
  CompletableFuture<?> connect() {
    synchronized (lock) {
      if (connection != null) {
        return CompletableFuture.completedFuture(connection);
      }
      if (closed) {
        return notConnected();
      }
      if (connecting != null && !connecting.isDone()) {
        return connecting;
      }
      connecting = client.refreshPartitionsAsync().toCompletableFuture()
          .thenCompose(loaded -> client.connectAsync(CODEC))
          .thenCompose(opened -> {
            opened.setReadFrom(ReadFrom.UPSTREAM);
            return warmUp(opened).thenApply(ignored -> opened);
          })
          .whenComplete((opened, error) -> {
            if (opened == null) {
              return;
            }
            synchronized (lock) {
              if (closed || connection != null) {
                opened.closeAsync();
              } else {
                connection = opened;
              }
            }
          });
      return connecting;
    }
  }

  /** Reloads the topology and opens connections to masters that are new (a promoted replica). */
  CompletableFuture<?> refresh() {
    StatefulRedisClusterConnection<String, byte[]> c = connection;
    if (c == null) {
      return connect();
    }
    return client.refreshPartitionsAsync().toCompletableFuture().thenCompose(ignored -> warmUp(c));
  }

  /**
   * Opens the connection to every live master now: Lettuce opens them lazily, and with {@code REJECT_COMMANDS} a
   * command that finds its node's connection still opening is rejected.
   */
  private static CompletableFuture<Void> warmUp(StatefulRedisClusterConnection<String, byte[]> c) {
    List<CompletableFuture<?>> opening = new ArrayList<>();
    for (RedisClusterNode node : c.getPartitions()) {
      if (node.is(NodeFlag.UPSTREAM) && !node.is(NodeFlag.FAIL) && !node.is(NodeFlag.EVENTUAL_FAIL)
          && !node.is(NodeFlag.NOADDR)) {
        opening.add(c.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE));
      }
    }
    return CompletableFuture.allOf(opening.stream().map(f -> f.handle((ok, error) -> null))
        .toArray(CompletableFuture[]::new));
  }

  /** Runs {@code script} on the master of its keys' slot ({@code EVALSHA}, then {@code EVAL} if not cached). */
  <T> CompletableFuture<T> run(Script script, ScriptOutputType type, String[] keys, Object... args) {
    RedisAdvancedClusterAsyncCommands<String, byte[]> commands = commands();
    if (commands == null) {
      return notConnected();
    }
    byte[][] values = encode(args);
    CompletableFuture<T> sha;
    try {
      sha = commands.<T>evalsha(script.sha(), type, keys, values).toCompletableFuture();
    } catch (RuntimeException e) { // a connection closing under the call
      return CompletableFuture.failedFuture(e);
    }
    return sha.handle((result, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(result);
      }
      Throwable cause = unwrap(error);
      if (cause instanceof RedisNoScriptException
          || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"))) {
        return commands.<T>eval(script.text(), type, keys, values).toCompletableFuture();
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  /**
   * Runs {@code script} with {@code EVAL}: one command whatever the node's script cache holds, so it stays in order
   * with the commands sent after it (an {@code EVALSHA} refused with {@code NOSCRIPT} is retried after them). For the
   * background scripts whose order against releases matters.
   */
  <T> CompletableFuture<T> runInOrder(Script script, ScriptOutputType type, String[] keys, Object... args) {
    RedisAdvancedClusterAsyncCommands<String, byte[]> commands = commands();
    if (commands == null) {
      return notConnected();
    }
    try {
      return commands.<T>eval(script.text(), type, keys, encode(args)).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@code ZREM key members…} on the key's master. */
  CompletableFuture<Long> zrem(String key, List<String> members) {
    RedisAdvancedClusterAsyncCommands<String, byte[]> commands = commands();
    if (commands == null || members.isEmpty()) {
      return members.isEmpty() ? CompletableFuture.completedFuture(0L) : notConnected();
    }
    try {
      return commands.zrem(key, encode(members.toArray())).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static byte[][] encode(Object... args) {
    byte[][] values = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      values[i] = String.valueOf(args[i]).getBytes(StandardCharsets.UTF_8);
    }
    return values;
  }

  static String text(Object reply) {
    return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
  }

  /**
   * The reply of {@code future} if it arrives before {@code deadlineNanos} ({@link System#nanoTime()});
   * otherwise an {@link Unanswered}. Never waits past the deadline. An interrupt ends the wait (the flag is kept).
   */
  static <T> T await(CompletableFuture<T> future, long deadlineNanos) {
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new Unanswered(Unanswered.Kind.TIMEOUT, e);
    } catch (ExecutionException e) {
      throw new Unanswered(Unanswered.Kind.ERROR, unwrap(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unanswered(Unanswered.Kind.INTERRUPTED, e);
    }
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static <T> CompletableFuture<T> notConnected() {
    return CompletableFuture.failedFuture(new IllegalStateException("not connected to the Redis cluster"));
  }

  /** Closes the connection and the client (waits at most a second or two for Lettuce's threads to stop). */
  @Override
  public void close() {
    StatefulRedisClusterConnection<String, byte[]> c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
      connection = null;
    }
    if (c != null) {
      c.close(); // closed before the client shuts down, or the client closes its node connections a second time
    }
    client.shutdownAsync(0, 2, TimeUnit.SECONDS)
        .whenComplete((ok, error) -> resources.shutdown(0, 2, TimeUnit.SECONDS));
  }

  /** A call that got no reply within its budget, failed, or whose caller was interrupted while waiting. */
  static final class Unanswered extends RuntimeException {
    private final Kind kind;

    Unanswered(Kind kind, Throwable cause) {
      super(cause == null ? "no reply" : cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause, false,
          false);
      this.kind = kind;
    }

    Kind kind() {
      return kind;
    }

    /** Why there is no reply. */
    enum Kind {
      /** None within the budget. */
      TIMEOUT,
      /** A connection or command error. */
      ERROR,
      /** The waiting thread was interrupted: says nothing about Redis. */
      INTERRUPTED
    }
  }
}
