package dev.headroom.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Map;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The Lettuce side of a {@link CacheCluster}: one {@link RedisClusterClient} with the settings that Lettuce users
 * learned to set (periodic and every adaptive topology refresh trigger, {@code REJECT_COMMANDS} while disconnected,
 * command timeouts, a node filter that drops failed nodes) and three connections made by {@link #connect()}:
 * cache reads with the configured {@link ReadFrom}, reads and writes on masters, and sharded pub/sub.
 */
final class L2Client implements AutoCloseable {
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** Drops nodes the cluster has marked failed (or is about to), or that have no address. */
  static final Predicate<RedisClusterNode> LIVE_NODES = node -> !(node.is(NodeFlag.FAIL)
      || node.is(NodeFlag.EVENTUAL_FAIL) || node.is(NodeFlag.NOADDR));

  private final ClientResources resources;
  private final RedisClusterClient client;
  private final ReadFrom readFrom;
  private volatile Connections connections;

  L2Client(ClusterSettings settings) {
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(settings.ioThreads())
        .computationThreadPoolSize(settings.ioThreads()).build();
    List<RedisURI> seeds = new ArrayList<>();
    for (java.net.URI uri : settings.seeds()) {
      RedisURI.Builder seed = RedisURI.builder().withHost(uri.getHost()).withPort(uri.getPort())
          .withTimeout(settings.commandTimeout()).withClientName(settings.clientName());
      if (settings.password() != null) {
        if (settings.user() != null) {
          seed.withAuthentication(settings.user(), settings.password());
        } else {
          seed.withPassword(settings.password());
        }
      }
      seeds.add(seed.build());
    }
    this.client = RedisClusterClient.create(resources, seeds);
    this.client.setOptions(clientOptions(settings));
    this.readFrom = settings.readFrom();
  }

  /** The client options; package-private so a test can check them. */
  static ClusterClientOptions clientOptions(ClusterSettings settings) {
    return ClusterClientOptions.builder()
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(settings.topologyRefreshPeriod())
            .enableAllAdaptiveRefreshTriggers()
            .adaptiveRefreshTriggersTimeout(Duration.ofMillis(Math.min(30_000,
                Math.max(100, settings.topologyRefreshPeriod().toMillis() / 4))))
            .refreshTriggersReconnectAttempts(3)
            .dynamicRefreshSources(true)
            .closeStaleConnections(true)
            .build())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build())
        .nodeFilter(LIVE_NODES)
        .autoReconnect(true)
        .maxRedirects(3)
        .build();
  }

  /** Opens the three connections (fails when no seed answers); harmless when already connected. */
  synchronized CompletableFuture<Connections> connect() {
    Connections current = connections;
    if (current != null) {
      return CompletableFuture.completedFuture(current);
    }
    // the async connects need the topology first (the sync ones load it themselves)
    return client.refreshPartitionsAsync().toCompletableFuture().thenCompose(loaded -> {
      CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> reads = client.connectAsync(CODEC);
      CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> masters = client.connectAsync(CODEC);
      CompletableFuture<StatefulRedisClusterPubSubConnection<String, String>> pubSub =
          client.connectPubSubAsync(StringCodec.UTF8);
      return CompletableFuture.allOf(reads, masters, pubSub).handle((ignored, error) -> {
        if (error != null) {
          List.of(reads, masters, pubSub).forEach(f -> f.thenAccept(c -> c.closeAsync()));
          throw error instanceof CompletionException ce ? ce : new CompletionException(error);
        }
        reads.join().setReadFrom(readFrom);
        masters.join().setReadFrom(ReadFrom.UPSTREAM);
        return new Connections(reads.join(), masters.join(), pubSub.join());
      });
    }).thenCompose(opened -> warmUp(opened).handle((ignored, error) -> {
      synchronized (this) {
        if (error != null || connections != null) { // failed, or a concurrent connect won
          opened.close();
          if (error != null) {
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
          }
          return connections;
        }
        connections = opened;
        return opened;
      }
    }));
  }

  /**
   * Opens the per-node connections now. Lettuce opens them lazily on first use, and with
   * {@code REJECT_COMMANDS} a command that finds its node's connection still opening is rejected at once: without
   * this, the first command to each node fails. Also run after topology changes (a promoted replica).
   */
  CompletableFuture<Void> warmUp(Connections c) {
    List<CompletableFuture<?>> opening = new ArrayList<>();
    for (RedisClusterNode node : c.masters.getPartitions()) {
      if (!LIVE_NODES.test(node)) {
        continue;
      }
      // slot routing pools connections by host and port (not node id): open exactly those
      String host = node.getUri().getHost();
      int port = node.getUri().getPort();
      if (node.is(NodeFlag.UPSTREAM)) {
        opening.add(c.pubSub.getConnectionAsync(host, port));
        opening.add(c.masters.getConnectionAsync(host, port, ConnectionIntent.WRITE));
        opening.add(c.reads.getConnectionAsync(host, port, ConnectionIntent.WRITE));
      }
      opening.add(c.reads.getConnectionAsync(host, port, ConnectionIntent.READ));
    }
    // a node that cannot be reached now is that node's problem (NodeHealth), not a reason to give up on the others
    return CompletableFuture.allOf(opening.stream().map(f -> f.handle((ok, error) -> null))
        .toArray(CompletableFuture[]::new));
  }

  /**
   * Calls {@code sink} (on Lettuce's threads) with the remote address of every pub/sub connection of this client that
   * drops: the node connections that carry the subscriptions. Other connections (topology refreshes open and close
   * their own) are left out.
   */
  void onPubSubDisconnect(java.util.function.Consumer<java.net.SocketAddress> sink) {
    Map<RedisChannelHandler<?, ?>, java.net.SocketAddress> remotes =
        java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, java.net.SocketAddress remote) {
        if (connection instanceof StatefulRedisPubSubConnection<?, ?> && remote != null) {
          remotes.put(connection, remote);
        }
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        java.net.SocketAddress remote = remotes.get(connection);
        if (remote != null) {
          sink.accept(remote);
        }
      }
    });
  }

  /** The topology the master connection routes by, or null while not connected. */
  Partitions partitions() {
    Connections c = connections;
    return c == null ? null : c.masters.getPartitions();
  }

  /** PING of one node by id; completes true on PONG, exceptionally when it cannot be reached. */
  CompletableFuture<Boolean> ping(String nodeId, Duration timeout) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.getConnectionAsync(nodeId).thenCompose(node -> node.async().ping().toCompletableFuture())
        .thenApply("PONG"::equals).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * {@code GETRANGE key 0 maxBytes}: at most {@code maxBytes + 1} bytes of the value, so an oversized value is seen
   * as such without transferring it; an empty array for a missing key (cache entries are never empty).
   */
  CompletableFuture<byte[]> getPrefix(String key, int maxBytes, boolean fromMaster) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return (fromMaster ? c.masters : c.reads).async().getrange(key, 0, maxBytes).toCompletableFuture();
  }

  /** The connections, or null while not connected. */
  Connections connections() {
    return connections;
  }

  /** GET on a replica (per the configured {@link ReadFrom}) or on the master. */
  CompletableFuture<byte[]> get(String key, boolean fromMaster) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return (fromMaster ? c.masters : c.reads).async().get(key).toCompletableFuture();
  }

  /** SET with a TTL; {@code onlyIfAbsent} adds NX. Completes true when written. */
  CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis, boolean onlyIfAbsent) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    SetArgs args = SetArgs.Builder.px(ttlMillis);
    if (onlyIfAbsent) {
      args.nx();
    }
    return c.masters.async().set(key, value, args).toCompletableFuture().thenApply("OK"::equals);
  }

  /**
   * SET, then {@code WAIT replicas timeout} on the same connection to the key's master, so the wait covers this
   * write. Completes true only when the master acknowledged the write and at least {@code replicas} replicas did.
   */
  CompletableFuture<Boolean> setDurably(String key, byte[] value, long ttlMillis, int replicas, Duration timeout) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    RedisClusterNode master = c.masters.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
    if (master == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no master known for slot "
          + SlotHash.getSlot(key)));
    }
    return c.masters.getConnectionAsync(master.getNodeId()).thenCompose(node -> {
      var set = node.async().set(key, value, SetArgs.Builder.px(ttlMillis)).toCompletableFuture();
      var wait = node.async().waitForReplication(replicas, timeout.toMillis()).toCompletableFuture();
      return set.thenCombine(wait, (ok, acked) -> "OK".equals(ok) && acked >= replicas);
    });
  }

  /**
   * One write of {@link #setAll}.
   *
   * @param key the Redis key
   * @param value the bytes
   * @param ttlMillis its TTL ({@code PX})
   */
  record Write(String key, byte[] value, long ttlMillis) {}

  /**
   * Many SETs with their TTLs, pipelined per slot: sorted by slot and sent back to back on the async API without
   * waiting for replies (each slot's run goes down its master's connection in one stretch). With {@code replicas > 0}
   * they go on each master's own connection followed by one {@code WAIT replicas timeout} that covers them all. One
   * future per write, in the order given: true when written (and, durably, when enough replicas acknowledged).
   */
  List<CompletableFuture<Boolean>> setAll(List<Write> writes, int replicas, Duration timeout) {
    List<CompletableFuture<Boolean>> results = new ArrayList<>(writes.size());
    Connections c = connections;
    if (c == null) {
      writes.forEach(w -> results.add(notConnected()));
      return results;
    }
    Integer[] order = new Integer[writes.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      results.add(null);
    }
    int[] slots = writes.stream().mapToInt(w -> SlotHash.getSlot(w.key())).toArray();
    java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> slots[i]));
    if (replicas <= 0) {
      for (int i : order) {
        Write w = writes.get(i);
        results.set(i, c.masters.async().set(w.key(), w.value(), SetArgs.Builder.px(w.ttlMillis()))
            .toCompletableFuture().thenApply("OK"::equals));
      }
      return results;
    }
    Map<String, List<Integer>> byMaster = new java.util.LinkedHashMap<>();
    for (int i : order) {
      RedisClusterNode master = c.masters.getPartitions().getMasterBySlot(slots[i]);
      if (master == null) {
        results.set(i, CompletableFuture.failedFuture(new IllegalStateException("no master known for slot "
            + slots[i])));
      } else {
        byMaster.computeIfAbsent(master.getNodeId(), id -> new ArrayList<>()).add(i);
      }
    }
    byMaster.forEach((nodeId, indexes) -> {
      CompletableFuture<List<Boolean>> sent = c.masters.getConnectionAsync(nodeId).thenCompose(node -> {
        List<CompletableFuture<String>> sets = new ArrayList<>();
        for (int i : indexes) {
          Write w = writes.get(i);
          sets.add(node.async().set(w.key(), w.value(), SetArgs.Builder.px(w.ttlMillis())).toCompletableFuture());
        }
        CompletableFuture<Long> wait = node.async().waitForReplication(replicas, timeout.toMillis())
            .toCompletableFuture();
        return CompletableFuture.allOf(sets.toArray(CompletableFuture[]::new)).thenCombine(wait, (ignored, acked) ->
            sets.stream().map(set -> "OK".equals(set.join()) && acked >= replicas).toList());
      });
      for (int n = 0; n < indexes.size(); n++) {
        int position = n;
        results.set(indexes.get(n), sent.thenApply(oks -> oks.get(position)));
      }
    });
    return results;
  }

  /** The live masters that serve slots now, from the topology the master connection routes by. */
  List<RedisClusterNode> mastersWithSlots() {
    Partitions partitions = partitions();
    List<RedisClusterNode> masters = new ArrayList<>();
    if (partitions != null) {
      for (RedisClusterNode node : partitions) {
        if (node.is(NodeFlag.UPSTREAM) && LIVE_NODES.test(node) && !node.getSlots().isEmpty()) {
          masters.add(node);
        }
      }
    }
    return masters;
  }

  /** One {@code SCAN cursor MATCH match COUNT count} step on one master (by node id). */
  CompletableFuture<io.lettuce.core.KeyScanCursor<String>> scan(String nodeId, io.lettuce.core.ScanCursor cursor,
      String match, int count) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(match).limit(count);
    return c.masters.getConnectionAsync(nodeId)
        .thenCompose(node -> node.async().scan(cursor, args).toCompletableFuture());
  }

  /** {@code UNLINK} of keys on their masters (Lettuce sends one command per slot); completes with how many went. */
  CompletableFuture<Long> unlink(List<String> keys) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.async().unlink(keys.toArray(String[]::new)).toCompletableFuture();
  }

  /** DEL on the master. */
  CompletableFuture<Long> del(String key) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.async().del(key).toCompletableFuture();
  }

  private static final String DELETE_IF_NOT_NEWER = "local v = redis.call('GET', KEYS[1]) "
      + "if not v then return 0 end "
      + "local written = tonumber(string.match(v, '^hr1 %S+ %S+ (%d+) ')) "
      + "if written == nil or written <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end "
      + "return 0";

  /**
   * Deletes the key unless its value was written after {@code notAfterMillis} (read from the entry's header), in one
   * script on the key's master: a delayed delete never removes a newer write.
   */
  CompletableFuture<Long> deleteIfNotNewer(String key, long notAfterMillis) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.async().<Long>eval(DELETE_IF_NOT_NEWER, io.lettuce.core.ScriptOutputType.INTEGER,
        new String[] {key}, Long.toString(notAfterMillis).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toCompletableFuture();
  }

  /**
   * One step of the cross-replica single flight, atomic on the key's master ({@code KEYS[1]} the value,
   * {@code KEYS[2]} its loading lock, in the same slot): the value when it is there ({@code GETRANGE 0 maxBytes});
   * else {@code SET lock token NX PX ttl}; else, the lock being held, it is marked (a {@code " w"} suffix, its TTL
   * kept) so that its holder knows someone waits. Replies {@code {1, value}}, {@code {2}} (the lock is ours) or
   * {@code {0}} (held by another).
   */
  private static final String CLAIM = "local v = redis.call('GETRANGE', KEYS[1], 0, tonumber(ARGV[3])) "
      + "if #v > 0 then return {1, v} end "
      + "if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return {2} end "
      + "local held = redis.call('GET', KEYS[2]) "
      + "if held and string.sub(held, -2) ~= ' w' then redis.call('SET', KEYS[2], held .. ' w', 'KEEPTTL') end "
      + "return {0}";

  /**
   * The end of a load that held the lock, atomic on the key's master: writes the value ({@code SET NX PX}, when
   * {@code ARGV[4]} is 1) and deletes the lock if it is still {@code token}'s. Replies 2 when it was and someone
   * waited, 1 when it was, 0 when it was not (expired, taken over).
   */
  private static final String RELEASE = "if ARGV[4] == '1' then "
      + "redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) end "
      + "local held = redis.call('GET', KEYS[2]) "
      + "if held == ARGV[3] then redis.call('DEL', KEYS[2]) return 1 end "
      + "if held == ARGV[3] .. ' w' then redis.call('DEL', KEYS[2]) return 2 end "
      + "return 0";

  /** {@link #CLAIM} on the masters: the reply's first element is 1 (value), 2 (ours) or 0 (held). */
  CompletableFuture<List<Object>> claim(String key, String lockKey, String token, long lockTtlMillis, int maxBytes) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.async().<List<Object>>eval(CLAIM, io.lettuce.core.ScriptOutputType.MULTI,
        new String[] {key, lockKey}, utf8(token), utf8(Long.toString(lockTtlMillis)), utf8(Integer.toString(maxBytes)))
        .toCompletableFuture();
  }

  /**
   * {@link #RELEASE} on the masters: writes {@code value} (SET NX: never over a value already there) unless it is
   * null, then deletes the lock if it is still {@code token}'s. Completes 2 when it was and someone waited, 1 when it was, 0 when not.
   */
  CompletableFuture<Long> release(String key, byte[] value, long ttlMillis, String lockKey, String token) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.async().<Long>eval(RELEASE, io.lettuce.core.ScriptOutputType.INTEGER,
        new String[] {key, lockKey}, value == null ? new byte[0] : value, utf8(Long.toString(Math.max(1, ttlMillis))),
        utf8(token), utf8(value == null ? "0" : "1")).toCompletableFuture();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** SPUBLISH of a text message on the shard channel's master. */
  CompletableFuture<Long> spublish(String channel, String message) {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    return c.masters.async().spublish(channel, message.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toCompletableFuture();
  }

  /**
   * The health probe of L2 as a whole: refreshes the topology, then checks that some live master serving slots
   * answers and reports {@code cluster_state:ok} (a cluster being created, or one that refuses commands for want of
   * full slot coverage, does not). Completes true when L2 is usable; single masters that are not are
   * {@link NodeHealth}'s business.
   */
  CompletableFuture<Boolean> probe(Duration timeout) {
    Connections c = connections;
    if (c == null) {
      return connect().thenCompose(opened -> probe(timeout)); // connecting is bounded by the connect timeout
    }
    return client.refreshPartitionsAsync().toCompletableFuture().thenCompose(ignored -> warmUp(c))
        .thenCompose(ignored -> {
      Partitions partitions = c.masters.getPartitions();
      Set<String> masters = new HashSet<>();
      for (RedisClusterNode node : partitions) {
        if (node.is(NodeFlag.UPSTREAM) && LIVE_NODES.test(node) && !node.getSlots().isEmpty()) {
          masters.add(node.getNodeId());
        }
      }
      List<CompletableFuture<Boolean>> pings = new ArrayList<>();
      for (String nodeId : masters) {
        pings.add(c.masters.getConnectionAsync(nodeId)
            .thenCompose(node -> node.async().clusterInfo().toCompletableFuture())
            .thenApply(info -> info.contains("cluster_state:ok")).exceptionally(error -> false));
      }
      return CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new))
          .thenApply(ignored2 -> pings.stream().anyMatch(CompletableFuture::join));
    }).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code INFO memory} of every master: the highest {@code used_memory / maxmemory} (0 when none is set). */
  CompletableFuture<Double> memoryUse() {
    Connections c = connections;
    if (c == null) {
      return notConnected();
    }
    var executions = c.masters.async().upstream().commands().info("memory");
    CompletableFuture<String>[] replies = executions.futures();
    return CompletableFuture.allOf(replies).thenApply(ignored -> {
      double max = 0;
      for (CompletableFuture<String> reply : replies) {
        long used = field(reply.join(), "used_memory:");
        long limit = field(reply.join(), "maxmemory:");
        if (limit > 0) {
          max = Math.max(max, (double) used / limit);
        }
      }
      return max;
    });
  }

  private static long field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).strip());
      }
    }
    return 0;
  }

  private static <T> CompletableFuture<T> notConnected() {
    return CompletableFuture.failedFuture(new IllegalStateException("not connected to the Redis cluster"));
  }

  @Override
  public void close() {
    Connections c;
    synchronized (this) {
      c = connections;
      connections = null;
    }
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * The open connections.
   *
   * @param reads cache reads with the configured {@link ReadFrom}
   * @param masters writes, deletes, publishes and reads that must see the latest write
   * @param pubSub sharded pub/sub subscriptions
   */
  record Connections(StatefulRedisClusterConnection<String, byte[]> reads,
      StatefulRedisClusterConnection<String, byte[]> masters,
      StatefulRedisClusterPubSubConnection<String, String> pubSub) {

    void close() {
      pubSub.close();
      reads.close();
      masters.close();
    }
  }
}
