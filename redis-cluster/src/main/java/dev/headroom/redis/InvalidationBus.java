package dev.headroom.redis;

import dev.headroom.core.time.Scheduler;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-instance L1 invalidation over Redis 7 sharded pub/sub: one shard channel per namespace
 * ({@code <prefix>:inv:<namespace>}), served by the master of the channel's slot.
 *
 * <p>Every message is {@code <publisherId> <sequence> <key>} (or {@code <publisherId> <sequence>* <glob>} for a
 * pattern invalidation, {@link #publishMatching}), with a sequence per publisher and channel that grows by
 * one per message. A receiver that sees a sequence jump, or a first message of a publisher that is not number 1, has
 * missed invalidations and clears that namespace's L1 (as it does when its subscription is re-established after a
 * reconnect, a failover or a slot move, because messages published meanwhile were lost). Pub/sub in Redis is
 * fire-and-forget: these two rules are what make it safe to keep an L1 at all.
 *
 * <p>A subscriber also acts when it <em>loses</em> its subscription, not only when it gets it back: as soon as a
 * connection to the node serving a namespace's channel drops (the node died, or the link was cut), that namespace's
 * L1 is cleared and stays unused ({@link #listening}) until the subscription is confirmed again. Without this rule an
 * instance kept serving values that others had changed meanwhile until its L1 TTL ran out (nobody could tell it), so
 * correctness does not depend on the publisher. The publisher does its part too: a publish that fails is retried
 * every {@code retryInterval} (the same message, so receivers that saw a gap ignore it as a duplicate) for a bounded
 * time, and {@link #publish} reports whether the first attempt reached the channel's node.
 */
final class InvalidationBus extends RedisClusterPubSubAdapter<String, String> {
  private static final Logger log = LoggerFactory.getLogger(InvalidationBus.class);
  private static final int MAX_PUBLISHERS = 10_000;
  private static final long RESYNC = -1;
  /** The mark after a sequence number that makes the message's text a glob rather than a key. */
  private static final char PATTERN = '*';
  /** Publishes being retried at most (beyond that a failed publish is dropped: receivers see the gap). */
  static final int MAX_RETRYING = 10_000;
  /** How long a failed publish is retried: longer than a failover with Redis' default 15 s node timeout. */
  static final Duration RETRY_FOR = Duration.ofSeconds(60);

  private final String instanceId;
  private final String prefix;
  private final L2Client l2;
  private final Scheduler scheduler;
  private final Duration retryInterval;
  private final int maxAttempts;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final AtomicInteger retrying = new AtomicInteger();
  private volatile StatefulRedisClusterPubSubConnection<String, String> pubSub;
  private volatile boolean retryOverflowLogged;
  private volatile boolean closed;

  InvalidationBus(String instanceId, String prefix, L2Client l2, Scheduler scheduler, Duration retryInterval) {
    this.instanceId = instanceId;
    this.prefix = prefix;
    this.l2 = l2;
    this.scheduler = scheduler;
    this.retryInterval = retryInterval;
    this.maxAttempts = (int) Math.max(3, Math.min(1_000, RETRY_FOR.toNanos() / Math.max(1, retryInterval.toNanos())));
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
      throw dev.headroom.core.Checks.in("cache").invalid("namespace", namespace,
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

  /**
   * Whether the namespace's subscription is confirmed and not known to be lost since: only then may entries enter its
   * L1 (an entry kept while invalidations cannot reach us could go stale unnoticed).
   */
  boolean listening(String namespace) {
    Channel channel = channels.get(channelOf(namespace));
    return channel != null && channel.listening;
  }

  void unregister(String namespace) {
    Channel channel = channels.remove(channelOf(namespace));
    StatefulRedisClusterPubSubConnection<String, String> connection = pubSub;
    if (channel != null && connection != null && connection.isOpen()) {
      connection.async().sunsubscribe(channel.name);
    }
  }

  /**
   * Publishes an invalidation. The future completes true when the channel's node took the message, false when the
   * first attempt failed; a failed message is then retried in the background (bounded, see the class comment). The
   * sequence grows even when publishing fails, so receivers see the gap.
   */
  CompletableFuture<Boolean> publish(String namespace, String key) {
    Channel channel = channels.get(channelOf(namespace));
    if (channel == null) {
      return CompletableFuture.completedFuture(true); // closed: nobody listens through this instance any more
    }
    long sequence = channel.published.incrementAndGet();
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    send(channel, instanceId + ' ' + sequence + ' ' + key, 1, first);
    return first;
  }

  /**
   * Publishes a pattern invalidation: receivers drop every L1 key that matches the Redis glob. The message is
   * {@code <publisherId> <sequence>* <glob>} (the {@code *} after the sequence tells it from a key's message) and
   * shares the sequence of the key messages, with the same retries and the same gap rule. A receiver that does not
   * know pattern messages (older than this one) takes it as malformed, and then clears its L1 on the gap it sees at
   * the publisher's next message.
   */
  CompletableFuture<Boolean> publishMatching(String namespace, String glob) {
    Channel channel = channels.get(channelOf(namespace));
    if (channel == null) {
      return CompletableFuture.completedFuture(true);
    }
    long sequence = channel.published.incrementAndGet();
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    send(channel, instanceId + ' ' + sequence + PATTERN + ' ' + glob, 1, first);
    return first;
  }

  private void send(Channel channel, String message, int attempt, CompletableFuture<Boolean> first) {
    CompletableFuture<Long> sent;
    try {
      sent = l2.spublish(channel.name, message);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((receivers, error) -> {
      if (error == null) {
        first.complete(true);
        if (attempt > 1) {
          retrying.decrementAndGet();
          log.debug("invalidation on {} published at attempt {}", channel.name, attempt);
        }
        return;
      }
      first.complete(false);
      boolean giveUp = closed || attempt >= maxAttempts || channels.get(channel.name) != channel;
      if (attempt == 1 && !giveUp && retrying.incrementAndGet() > MAX_RETRYING) {
        retrying.decrementAndGet();
        if (!retryOverflowLogged) {
          retryOverflowLogged = true;
          log.warn("more than {} invalidations are waiting to be published; further failed ones are dropped"
              + " (receivers clear their L1 on the sequence gap)", MAX_RETRYING);
        }
        return;
      }
      if (giveUp) {
        if (attempt > 1) {
          retrying.decrementAndGet();
        }
        if (!closed) {
          log.warn("invalidation on {} not published after {} attempts: {}", channel.name, attempt, error.toString());
        }
        return;
      }
      scheduler.schedule(retryInterval, () -> send(channel, message, attempt + 1, first));
    });
  }

  /** Publishes being retried now. */
  int retrying() {
    return retrying.get();
  }

  /**
   * A connection to {@code remote} dropped: every namespace whose channel is served there has lost its subscription
   * (messages published from now on until it is back are lost), so its L1 is cleared and left unused until then.
   */
  void disconnected(SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress address)) {
      return;
    }
    for (Channel channel : channels.values()) {
      boolean lost;
      synchronized (channel) {
        RedisURI at = channel.subscribedAt;
        lost = channel.listening && at != null && at.getPort() == address.getPort()
            && sameHost(at.getHost(), address);
        if (lost) {
          channel.listening = false;
          channel.subscribedNode = null; // checkSubscriptions() subscribes again where the slot is served
          channel.subscribedAt = null;
          channel.lastSeen.replaceAll((publisher, last) -> RESYNC);
        }
      }
      if (lost) {
        log.debug("lost the subscription of {} (connection to {} dropped)", channel.name, address);
        channel.subscriber.cleared(ClearReason.SUBSCRIPTION_LOST);
      }
    }
  }

  private static boolean sameHost(String host, InetSocketAddress address) {
    if (host.equals(address.getHostString())) {
      return true;
    }
    InetSocketAddress resolved = new InetSocketAddress(host, address.getPort());
    return !resolved.isUnresolved() && address.getAddress() != null
        && resolved.getAddress().equals(address.getAddress());
  }

  /** Stops retrying publishes. */
  void close() {
    closed = true;
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
    RedisClusterNode owner = ownerOf(name);
    boolean again;
    synchronized (channel) {
      // every confirmation after the first is a re-subscription: Lettuce's after a reconnect, or ours after the
      // server dropped the subscription or the slot moved; messages published in between are lost
      again = channel.subscribedOnce;
      channel.subscribedOnce = true;
      channel.subscribedNode = owner == null ? null : owner.getNodeId();
      channel.subscribedAt = owner == null ? null : owner.getUri();
      channel.listening = true;
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
    if (channel == null) {
      return;
    }
    synchronized (channel) {
      channel.subscribedNode = null; // the server dropped us (slot moved): checkSubscriptions() re-subscribes
      channel.subscribedAt = null;
      channel.listening = false;
      channel.lastSeen.replaceAll((publisher, last) -> RESYNC);
    }
    channel.subscriber.cleared(ClearReason.SUBSCRIPTION_LOST);
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
    boolean pattern = message.charAt(second - 1) == PATTERN;
    try {
      sequence = Long.parseLong(message.substring(first + 1, pattern ? second - 1 : second));
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
    } else if (pattern) {
      channel.subscriber.invalidatedMatching(key);
    } else {
      channel.subscriber.invalidated(key);
    }
  }

  private RedisClusterNode ownerOf(String name) {
    StatefulRedisClusterPubSubConnection<String, String> connection = pubSub;
    return connection == null ? null : connection.getPartitions().getMasterBySlot(SlotHash.getSlot(name));
  }

  /** Why a namespace's L1 was cleared. */
  enum ClearReason {
    /** A sequence gap: invalidations were missed. */
    GAP,
    /** The subscription was re-established: invalidations may have been missed meanwhile. */
    RESUBSCRIBED,
    /** The connection to the node serving the channel dropped: invalidations are being missed. */
    SUBSCRIPTION_LOST,
    /** L2 recovered from DOWN. */
    L2_RECOVERED
  }

  /** Receives one namespace's invalidations; must not block (runs on Lettuce's event loop). */
  interface Subscriber {
    /** Another instance changed or removed {@code key}. */
    void invalidated(String key);

    /** Another instance removed every key that matches the Redis glob {@code glob}. */
    void invalidatedMatching(String glob);

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
    volatile RedisURI subscribedAt;
    volatile boolean listening;
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
