package dev.headroom.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-instance L1 invalidation over Redis 7 sharded pub/sub: one shard channel per namespace
 * ({@code <prefix>:inv:<namespace>}), served by the master of the channel's slot.
 *
 * <p>Every message is {@code <publisherId> <sequence> <key>}, with a sequence per publisher and channel that grows by
 * one per message. A receiver that sees a sequence jump, or a first message of a publisher that is not number 1, has
 * missed invalidations and clears that namespace's L1 (as it does when its subscription is re-established after a
 * reconnect, a failover or a slot move, because messages published meanwhile were lost). Pub/sub in Redis is
 * fire-and-forget: these two rules are what make it safe to keep an L1 at all.
 */
final class InvalidationBus extends RedisClusterPubSubAdapter<String, String> {
  private static final Logger log = LoggerFactory.getLogger(InvalidationBus.class);
  private static final int MAX_PUBLISHERS = 10_000;
  private static final long RESYNC = -1;

  private final String instanceId;
  private final String prefix;
  private final L2Client l2;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private volatile StatefulRedisClusterPubSubConnection<String, String> pubSub;

  InvalidationBus(String instanceId, String prefix, L2Client l2) {
    this.instanceId = instanceId;
    this.prefix = prefix;
    this.l2 = l2;
  }

  String channelOf(String namespace) {
    return prefix + ":inv:" + namespace;
  }

  /** Starts listening on a newly opened pub/sub connection and subscribes every registered namespace. */
  void attach(StatefulRedisClusterPubSubConnection<String, String> connection) {
    if (pubSub == connection) {
      return;
    }
    connection.addListener(this);
    pubSub = connection;
    channels.values().forEach(this::subscribe);
  }

  /** Registers a namespace and subscribes its channel; the future completes once the subscription is confirmed. */
  CompletableFuture<Void> register(String namespace, Subscriber subscriber) {
    Channel channel = new Channel(namespace, channelOf(namespace), subscriber);
    if (channels.putIfAbsent(channel.name, channel) != null) {
      throw new dev.headroom.core.ConfigException("cache namespace", namespace,
          "must be unique per CacheCluster (a cache for it is already open)");
    }
    subscribe(channel);
    return channel.confirmed;
  }

  /** Whether a cache for the namespace is registered. */
  boolean registered(String namespace) {
    return channels.containsKey(channelOf(namespace));
  }

  /** Whether the namespace's subscription has been confirmed at least once. */
  boolean subscribed(String namespace) {
    Channel channel = channels.get(channelOf(namespace));
    return channel != null && channel.confirmed.isDone();
  }

  void unregister(String namespace) {
    Channel channel = channels.remove(channelOf(namespace));
    StatefulRedisClusterPubSubConnection<String, String> connection = pubSub;
    if (channel != null && connection != null && connection.isOpen()) {
      connection.async().sunsubscribe(channel.name);
    }
  }

  /** Publishes an invalidation; the sequence grows even when publishing fails, so receivers see the gap. */
  void publish(String namespace, String key, Runnable onFailure) {
    Channel channel = channels.get(channelOf(namespace));
    if (channel == null) {
      return;
    }
    long sequence = channel.published.incrementAndGet();
    l2.spublish(channel.name, instanceId + ' ' + sequence + ' ' + key).whenComplete((receivers, error) -> {
      if (error != null) {
        onFailure.run();
      }
    });
  }

  /**
   * Re-subscribes every channel whose subscription is missing or sits on a node that no longer serves its slot
   * (after a failover or a slot move). Called periodically and when L2 recovers.
   */
  void checkSubscriptions() {
    StatefulRedisClusterPubSubConnection<String, String> connection = pubSub;
    if (connection == null) {
      return;
    }
    for (Channel channel : channels.values()) {
      RedisClusterNode owner = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(channel.name));
      String subscribedAt = channel.subscribedNode;
      if (subscribedAt == null || owner == null || !owner.getNodeId().equals(subscribedAt)) {
        subscribe(channel);
      }
    }
  }

  private void subscribe(Channel channel) {
    StatefulRedisClusterPubSubConnection<String, String> connection = pubSub;
    if (connection != null && connection.isOpen()) {
      connection.async().ssubscribe(channel.name).exceptionally(error -> {
        log.debug("ssubscribe {} failed: {}", channel.name, error.toString());
        return null;
      });
    }
  }

  @Override
  public void ssubscribed(RedisClusterNode node, String name, long count) {
    Channel channel = channels.get(name);
    if (channel == null) {
      return;
    }
    // the node Lettuce reports may be the pub/sub connection's default node rather than the shard's: ask the
    // topology which master serves the channel's slot, so checkSubscriptions() does not re-subscribe in a loop
    String nodeId = ownerOf(name);
    boolean again;
    synchronized (channel) {
      // every confirmation after the first is a re-subscription: Lettuce's after a reconnect, or ours after the
      // server dropped the subscription or the slot moved; messages published in between are lost
      again = channel.subscribedOnce;
      channel.subscribedOnce = true;
      channel.subscribedNode = nodeId;
      if (again) {
        channel.lastSeen.replaceAll((publisher, last) -> RESYNC); // the clear below covers what was missed
      }
    }
    channel.confirmed.complete(null);
    if (again) {
      // messages published while we were not subscribed are lost: drop what they may have invalidated
      channel.subscriber.cleared(ClearReason.RESUBSCRIBED);
    }
  }

  @Override
  public void sunsubscribed(RedisClusterNode node, String name, long count) {
    Channel channel = channels.get(name);
    if (channel != null) {
      synchronized (channel) {
        channel.subscribedNode = null; // the server dropped us (slot moved): checkSubscriptions() re-subscribes
      }
    }
  }

  @Override
  public void smessage(RedisClusterNode node, String name, String message) {
    Channel channel = channels.get(name);
    if (channel == null) {
      return;
    }
    int first = message.indexOf(' ');
    int second = first < 0 ? -1 : message.indexOf(' ', first + 1);
    if (second < 0) {
      log.debug("ignoring malformed invalidation on {}", name);
      return;
    }
    String publisher = message.substring(0, first);
    long sequence;
    try {
      sequence = Long.parseLong(message.substring(first + 1, second));
    } catch (NumberFormatException e) {
      log.debug("ignoring malformed invalidation on {}", name);
      return;
    }
    if (publisher.equals(instanceId)) {
      return;
    }
    String key = message.substring(second + 1);
    boolean gap;
    synchronized (channel) {
      Long last = channel.lastSeen.get(publisher);
      if (last != null && last != RESYNC && sequence <= last) {
        return; // a duplicate (two subscriptions overlapping during a move)
      }
      if (last == null) {
        gap = sequence != 1; // we cannot tell whether we saw all of a publisher we meet mid-stream
      } else {
        gap = last != RESYNC && sequence != last + 1;
      }
      if (channel.lastSeen.size() >= MAX_PUBLISHERS && last == null) {
        channel.lastSeen.clear();
      }
      channel.lastSeen.put(publisher, sequence);
    }
    if (gap) {
      channel.subscriber.cleared(ClearReason.GAP);
    } else {
      channel.subscriber.invalidated(key);
    }
  }

  private String ownerOf(String name) {
    StatefulRedisClusterPubSubConnection<String, String> connection = pubSub;
    RedisClusterNode owner = connection == null ? null
        : connection.getPartitions().getMasterBySlot(SlotHash.getSlot(name));
    return owner == null ? null : owner.getNodeId();
  }

  /** Why a namespace's L1 was cleared. */
  enum ClearReason {
    /** A sequence gap: invalidations were missed. */
    GAP,
    /** The subscription was re-established: invalidations may have been missed meanwhile. */
    RESUBSCRIBED,
    /** L2 recovered from DOWN. */
    L2_RECOVERED
  }

  /** Receives one namespace's invalidations; must not block (runs on Lettuce's event loop). */
  interface Subscriber {
    /** Another instance changed or removed {@code key}. */
    void invalidated(String key);

    /** Invalidations may have been missed: drop the whole L1. */
    void cleared(ClearReason reason);
  }

  private static final class Channel {
    final String namespace;
    final String name;
    final Subscriber subscriber;
    final AtomicLong published = new AtomicLong();
    final CompletableFuture<Void> confirmed = new CompletableFuture<>();
    final Map<String, Long> lastSeen = new HashMap<>();
    volatile String subscribedNode;
    boolean subscribedOnce;

    Channel(String namespace, String name, Subscriber subscriber) {
      this.namespace = namespace;
      this.name = name;
      this.subscriber = subscriber;
    }

    @Override
    public String toString() {
      return namespace;
    }
  }
}
