package dev.headroom.llm;

import dev.headroom.core.BackendException;
import dev.headroom.core.Checks;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Pool;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import dev.headroom.core.time.Scheduler;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time membership of an {@link LlmRouter}'s Ollama nodes: adds a node to the local pool, registers it in the
 * {@link Catalog} and has the {@link FleetPoller} read its models at once; drains and resumes nodes of either Ollama
 * pool; removes one after its drain (no new requests at once, the ones in flight finish, at most the drain timeout),
 * then cuts what is still in flight and forgets it in the catalog, the poller and the node statistics. New nodes
 * join the same core pools, so a fleet coordinator covers them as it covers the others.
 */
final class LlmMembers {
  private static final Logger log = LoggerFactory.getLogger(LlmRouter.class);

  private final Checks checks;
  private final String router;
  private final LlmTiers tiers;
  private final Catalog catalog;
  private final NodeStats stats;
  private final FleetPoller poller;
  private final InFlight inFlight;
  private final Scheduler scheduler;
  private final Duration drainTimeout;
  private final Object lock = new Object();
  private final Map<String, Removal> removing = new ConcurrentHashMap<>();

  LlmMembers(LlmRouterSettings s, LlmTiers tiers, Catalog catalog, NodeStats stats, FleetPoller poller,
      InFlight inFlight) {
    this.router = s.name();
    this.checks = Checks.in("llm router '" + s.name() + "'");
    this.tiers = tiers;
    this.catalog = catalog;
    this.stats = stats;
    this.poller = poller;
    this.inFlight = inFlight;
    this.scheduler = s.scheduler();
    this.drainTimeout = s.drainTimeout();
  }

  Duration drainTimeout() {
    return drainTimeout;
  }

  /** Adds {@code node} to the local pool; the future completes when its models have been read once. */
  CompletableFuture<Void> add(OllamaNode node) {
    Objects.requireNonNull(node, "node");
    synchronized (lock) {
      String id = node.id();
      if (id.equals(LlmRouter.CLOUD) || tiers.ollamaPoolOf(id) != null || removing.containsKey(id)) {
        throw checks.invalid("node id", "'" + id + "'", "must be unique across pools and not 'cloud'");
      }
      Endpoint endpoint = LlmTiers.endpoint(node);
      tiers.local.add(endpoint); // eligible, but the model selector sends it nothing before its tags are read
      catalog.register(id, node.maxLoadedModels());
      log.info("llm router '{}': added ollama node '{}' ({})", router, id, node.uri());
      return poller.add(endpoint);
    }
  }

  /** Drains a node of either Ollama pool; an unknown id completes at once. */
  CompletableFuture<Void> drain(String id) {
    Pool pool = tiers.ollamaPoolOf(Objects.requireNonNull(id, "id"));
    return pool == null ? CompletableFuture.completedFuture(null) : pool.drainIfMember(id);
  }

  /** Makes a draining node eligible again. */
  void resume(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      if (removing.containsKey(id)) {
        throw new IllegalStateException("llm router '" + router + "': ollama node '" + id + "' is being removed");
      }
      Pool pool = tiers.ollamaPoolOf(id);
      if (pool == null) {
        throw new IllegalArgumentException("llm router '" + router + "' has no ollama node '" + id + "'");
      }
      pool.resume(id);
    }
  }

  /**
   * Removes a node: no new requests from now on; once the ones in flight have finished, or {@code timeout} has
   * passed (zero: at once), whatever is still in flight on it is cut and the router forgets it. A second call for a
   * node being removed shortens the wait when its timeout is zero. An unknown id completes at once.
   *
   * @return completes when the node is gone
   */
  CompletableFuture<Void> remove(String id, Duration timeout) {
    Objects.requireNonNull(id, "id");
    checks.nonNegative("drainTimeout", timeout);
    Removal removal;
    CompletableFuture<Void> drained = null;
    synchronized (lock) {
      removal = removing.get(id);
      if (removal == null) {
        Pool pool = tiers.ollamaPoolOf(id);
        if (pool == null) {
          return CompletableFuture.completedFuture(null);
        }
        removal = new Removal(id, pool);
        removing.put(id, removal);
        drained = pool.drain(id);
      }
    }
    if (drained != null && !timeout.isZero()) {
      Removal r = removal;
      r.timer = scheduler.schedule(timeout, r::finish);
      drained.thenRun(r::finish);
    } else if (drained != null) {
      drained.thenRun(removal::finish);
    }
    if (timeout.isZero()) {
      removal.finish();
    }
    return removal.done.thenApply(ignored -> null);
  }

  /** The ids of the local pool's nodes, draining ones included. */
  Set<String> localIds() {
    Set<String> ids = new LinkedHashSet<>();
    for (EndpointState state : tiers.local.endpoints()) {
      ids.add(state.id());
    }
    return ids;
  }

  /** A {@link MembershipTarget} over the local pool, making nodes of discovered members with {@code toNode}. */
  MembershipTarget target(Function<DiscoveredMember, OllamaNode> toNode) {
    return new Target(Objects.requireNonNull(toNode, "toNode"));
  }

  /** One node being removed; {@link #finish()} runs once, when it drained or its timeout passed. */
  private final class Removal {
    final String id;
    final Pool pool;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean finished = new AtomicBoolean();
    volatile Scheduler.Cancellable timer;

    Removal(String id, Pool pool) {
      this.id = id;
      this.pool = pool;
    }

    void finish() {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      Scheduler.Cancellable t = timer;
      if (t != null) {
        t.cancel();
      }
      pool.remove(id);
      int cut = inFlight.abortOn(id, new BackendException(id, -1,
          "ollama node '" + id + "' was removed from the router before this request finished", "", null));
      poller.remove(id);
      catalog.forget(id);
      inFlight.forget(id);
      stats.forget(id);
      removing.remove(id, this);
      if (cut > 0) {
        log.warn("llm router '{}': removed ollama node '{}', cutting {} requests still in flight", router, id, cut);
      } else {
        log.info("llm router '{}': removed ollama node '{}'", router, id);
      }
      done.complete(null);
    }
  }

  /** The {@link MembershipTarget} view of the local pool. */
  private final class Target implements MembershipTarget {
    private final Function<DiscoveredMember, OllamaNode> toNode;

    Target(Function<DiscoveredMember, OllamaNode> toNode) {
      this.toNode = toNode;
    }

    @Override
    public Set<String> memberIds() {
      return localIds();
    }

    @Override
    public void add(DiscoveredMember member) {
      if (tiers.ollamaPoolOf(member.id()) != null || removing.containsKey(member.id())) {
        return;
      }
      OllamaNode node = toNode.apply(member);
      if (!node.id().equals(member.id())) {
        throw checks.invalid("membership node id", node.id(), "must be the discovered member's id '"
            + member.id() + "'");
      }
      LlmMembers.this.add(node);
    }

    @Override
    public CompletableFuture<Void> drain(String id) {
      return tiers.local.endpoint(id).isPresent() ? LlmMembers.this.drain(id) : CompletableFuture.completedFuture(null);
    }

    @Override
    public void resume(String id) {
      if (tiers.local.endpoint(id).isPresent() && !removing.containsKey(id)) {
        LlmMembers.this.resume(id);
      }
    }

    @Override
    public void remove(String id) {
      if (tiers.local.endpoint(id).isPresent() || removing.containsKey(id)) {
        LlmMembers.this.remove(id, Duration.ZERO);
      }
    }

    @Override
    public String toString() {
      return "LlmRouter.membership{" + router + ", local=" + localIds() + '}';
    }
  }
}
