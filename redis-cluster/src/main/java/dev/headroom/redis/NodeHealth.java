package dev.headroom.redis;

import dev.headroom.core.time.Scheduler;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of each master (slot owner) of L2, so that one dead node costs only its own slots: a key is read from
 * and written to L2 only while the master that owns its slot is usable. {@code failureThreshold} consecutive failed
 * commands (errors or timeouts) on a key of a master mark that master down; while it is down its keys go to the
 * loaders and stay in L1, and a probe pings it every {@code probeInterval}. It is usable again when it answers, or
 * when every slot it owned is served by another live master (a failover): the listeners then hear which slots it
 * owned, so that only L1 entries of those slots are dropped. A slot that no live master serves is not usable.
 *
 * <p>Per-key data faults (a key of another type, a value that does not decode or is over the size limit) are not
 * node failures: they are counted by the namespace and never recorded here. When every master is down, the whole of
 * L2 is marked down ({@link L2Health}), which probes the cluster as a whole.
 */
final class NodeHealth {
  private static final Logger log = LoggerFactory.getLogger(NodeHealth.class);

  private final String name;
  private final int failureThreshold;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final Scheduler scheduler;
  private final L2Client l2;
  private final L2Health cluster;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final List<Consumer<BitSet>> recoveryListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  NodeHealth(String name, int failureThreshold, Duration probeInterval, Duration probeTimeout, Scheduler scheduler,
      L2Client l2, L2Health cluster) {
    this.name = name;
    this.failureThreshold = failureThreshold;
    this.probeInterval = probeInterval;
    this.probeTimeout = probeTimeout;
    this.scheduler = scheduler;
    this.l2 = l2;
    this.cluster = cluster;
  }

  /**
   * The master that owns the key's slot, or null when L2 is down, not connected, or no live master serves the slot
   * (the key then goes to the loader).
   */
  Node owner(String redisKey) {
    if (!cluster.isUp()) {
      return null;
    }
    Partitions partitions = l2.partitions();
    if (partitions == null) {
      return null;
    }
    RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(redisKey));
    if (master == null || !L2Client.LIVE_NODES.test(master)) {
      return null;
    }
    return nodes.computeIfAbsent(master.getNodeId(), Node::new);
  }

  /** Whether the key's master is usable now. */
  boolean usable(String redisKey) {
    Node node = owner(redisKey);
    return node != null && !node.down;
  }

  /** Masters marked down now. */
  int downCount() {
    return (int) nodes.values().stream().filter(n -> n.down).count();
  }

  /** Hears the slots of a master that is usable again (or whose slots moved to other masters); must not block. */
  void addRecoveryListener(Consumer<BitSet> listener) {
    recoveryListeners.add(listener);
  }

  void removeRecoveryListener(Consumer<BitSet> listener) {
    recoveryListeners.remove(listener);
  }

  /** Forgets every node's state (L2 as a whole recovered: its listeners clear what is needed). */
  void reset() {
    nodes.clear();
  }

  void close() {
    closed = true;
  }

  private void markDown(Node node, String reason) {
    BitSet slots = new BitSet(SlotHash.SLOT_COUNT);
    Partitions partitions = l2.partitions();
    if (partitions != null) {
      for (RedisClusterNode candidate : partitions) {
        if (candidate.getNodeId().equals(node.id)) {
          candidate.getSlots().forEach(slots::set);
        }
      }
    }
    synchronized (node) {
      if (node.down) {
        return;
      }
      node.down = true;
      node.slots = slots;
    }
    log.warn("cache cluster '{}': L2 master {} is DOWN ({}); its {} slots are served by L1 and the loaders until it"
        + " recovers", name, node.id, reason, slots.cardinality());
    if (everyMasterDown(partitions)) {
      cluster.markDown("every master failed");
      return;
    }
    scheduleProbe(node);
  }

  private boolean everyMasterDown(Partitions partitions) {
    if (partitions == null) {
      return true;
    }
    for (RedisClusterNode candidate : partitions) {
      if (candidate.is(RedisClusterNode.NodeFlag.UPSTREAM) && L2Client.LIVE_NODES.test(candidate)
          && !candidate.getSlots().isEmpty()) {
        Node known = nodes.get(candidate.getNodeId());
        if (known == null || !known.down) {
          return false;
        }
      }
    }
    return true;
  }

  private void scheduleProbe(Node node) {
    if (closed) {
      return;
    }
    scheduler.schedule(probeInterval, () -> probe(node));
  }

  private void probe(Node node) {
    if (closed || !node.down || nodes.get(node.id) != node) {
      return; // recovered, or forgotten by a reset
    }
    if (servedElsewhere(node)) {
      recovered(node, "its slots are served by other masters");
      return;
    }
    l2.ping(node.id, probeTimeout).whenComplete((ok, error) -> {
      if (error == null && Boolean.TRUE.equals(ok)) {
        recovered(node, "answers again");
      } else {
        log.debug("cache cluster '{}': master {} still down: {}", name, node.id, error == null ? "no PONG" : error);
        scheduleProbe(node);
      }
    });
  }

  private boolean servedElsewhere(Node node) {
    Partitions partitions = l2.partitions();
    BitSet slots = node.slots;
    if (partitions == null || slots == null || slots.isEmpty()) {
      return false;
    }
    for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
      RedisClusterNode owner = partitions.getMasterBySlot(slot);
      if (owner == null || owner.getNodeId().equals(node.id) || !L2Client.LIVE_NODES.test(owner)) {
        return false;
      }
    }
    return true;
  }

  private void recovered(Node node, String how) {
    BitSet slots;
    synchronized (node) {
      if (!node.down) {
        return;
      }
      node.down = false;
      node.failures.set(0);
      slots = node.slots;
      node.slots = null;
    }
    log.info("cache cluster '{}': L2 master {} is UP ({})", name, node.id, how);
    if (slots != null) {
      recoveryListeners.forEach(l -> l.accept(slots));
    }
  }

  /** One master, by node id. */
  final class Node {
    final String id;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean down;
    private BitSet slots;

    Node(String id) {
      this.id = id;
    }

    boolean down() {
      return down;
    }

    void success() {
      if (failures.get() != 0) {
        failures.set(0);
      }
    }

    void failure(Throwable cause) {
      if (failures.incrementAndGet() >= failureThreshold && !down) {
        markDown(this, cause.getClass().getSimpleName() + ": " + cause.getMessage());
      }
    }
  }
}
