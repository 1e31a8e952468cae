package dev.headroom.redis;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one namespace's L1 consistent with the other instances: listens on the namespace's invalidation channel (a key
 * another instance changed is dropped; a gap in the messages clears L1), clears L1 and replays the L2 changes that
 * failed meanwhile when L2 comes back, and decides whether an entry may enter L1 at all (not while L2 is up and the
 * channel is not heard yet).
 *
 * @param <V> the value type
 */
final class L1Sync<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TieredCache.class);

  private final String namespace;
  private final CacheCluster cluster;
  private final L1Store<V> l1;
  private final NamespaceL2<V> l2;
  private final NamespaceMetrics metrics;
  private final ExpiryWatch expiries;
  private final L2Health.Listener healthListener;
  private final Runnable maintenance;
  private final java.util.function.Consumer<java.util.BitSet> nodeRecovered;

  /**
   * Registers on the cluster and, when L2 is up, waits (at most a command timeout) until the channel is heard.
   * {@code heard} also gets every key another instance announced (it must not block). {@code expiries} learns every
   * value kept and forgets every key invalidated (for {@code ttl_expired}).
   */
  L1Sync(String namespace, CacheCluster cluster, L1Store<V> l1, NamespaceL2<V> l2, NamespaceMetrics metrics,
      ExpiryWatch expiries, java.util.function.Consumer<String> heard) {
    this.namespace = namespace;
    this.cluster = cluster;
    this.l1 = l1;
    this.l2 = l2;
    this.metrics = metrics;
    this.expiries = expiries;
    this.healthListener = new L2Health.Listener() {
      @Override
      public void up() {
        clearL1(InvalidationBus.ClearReason.L2_RECOVERED); // invalidations sent meanwhile never reached us
        l2.replayPending();
      }

      @Override
      public void down() {}
    };
    this.maintenance = l2::replayPending;
    // a master is back (or its slots moved): only the entries of its slots may differ from L2 now (they were loaded
    // here while it was down); the rest of L1 stays
    this.nodeRecovered = slots -> {
      int dropped = l1.invalidateIf(key -> slots.get(io.lettuce.core.cluster.SlotHash.getSlot(l2.redisKey(key))));
      metrics.l1Cleared("node_recovered");
      log.debug("cache '{}': {} L1 entries of a recovered master's slots dropped", namespace, dropped);
      l2.replayPending();
    };
    CompletableFuture<Void> subscribed = cluster.bus().register(namespace, new InvalidationBus.Subscriber() {
      @Override
      public void invalidated(String key) {
        metrics.invalidationsReceived.increment();
        l1.invalidate(key);
        expiries.forget(key);
        heard.accept(key);
      }

      @Override
      public void invalidatedMatching(String glob) {
        metrics.invalidationsReceived.increment();
        dropMatching(new RedisGlob(glob));
      }

      @Override
      public void cleared(InvalidationBus.ClearReason reason) {
        if (reason == InvalidationBus.ClearReason.GAP) {
          metrics.gaps.increment();
        }
        clearL1(reason);
      }
    });
    cluster.l2Health().addListener(healthListener);
    cluster.nodeHealth().addRecoveryListener(nodeRecovered);
    cluster.addMaintenance(maintenance);
    if (cluster.l2Health().isUp()) {
      try { // so that invalidations published after build() returns reach this instance
        subscribed.get(cluster.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        log.warn("cache '{}': invalidation channel not subscribed yet; L1 stays unused until it is", namespace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Puts an entry in L1, unless L2 is up and this instance does not hear invalidations (yet, or any more since its
   * subscription was lost): an entry cached then could go stale unnoticed. (With the key's master or all of L2 down,
   * L1 is all there is for it, and it is dropped when that master or L2 comes back.)
   */
  void keep(String text, Envelope<V> envelope) {
    expiries.seen(text, envelope.expiresAtMillis());
    if (!l2.usable(text) || cluster.bus().listening(namespace)) {
      l1.put(text, envelope);
    }
  }

  /** An L2 lookup of the key was answered with a miss: a {@code ttl_expired} read when its known expiry passed. */
  void missed(String text) {
    expiries.missed(text);
  }

  /** The key was invalidated here: dropped from L1 (refills read the master for a while), not an expiry any more. */
  void dropped(String text) {
    l1.invalidate(text);
    expiries.forget(text);
  }

  /** Drops the L1 entries whose key matches (refills read the master for a while); returns how many. */
  int dropMatching(RedisGlob glob) {
    expiries.forgetIf(glob::matches);
    l1.readFromMasters();
    return l1.invalidateIf(glob::matches);
  }

  /** Stops listening for invalidations. */
  @Override
  public void close() {
    cluster.bus().unregister(namespace);
    cluster.l2Health().removeListener(healthListener);
    cluster.nodeHealth().removeRecoveryListener(nodeRecovered);
    cluster.removeMaintenance(maintenance);
  }

  private void clearL1(InvalidationBus.ClearReason reason) {
    l1.clear();
    metrics.l1Cleared(reason.name().toLowerCase(Locale.ROOT));
    log.debug("cache '{}': L1 cleared ({})", namespace, reason);
  }
}
