package dev.headroom.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Selector;
import dev.headroom.core.time.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The conversation table of a {@link ConversationAffinity}: which node served each conversation last (a bounded,
 * expiring Caffeine cache), the key of a request, and the bounded-load test that decides whether a request goes back
 * there (cache-aware: also the free-slot test, and the predicted first token that decides where a turn moves).
 * Thread-safe. The test reads the pools' states when the request is routed, not at each pick: a request that then
 * waits for the node's slot waits as bounded loads allow.
 */
final class Affinity {
  private final double epsilon;
  private final boolean cacheAware;
  private final Cache<String, String> lastNode;
  private final Supplier<List<List<EndpointState>>> pools;
  private final NodeStats stats;
  private final Ticker ticker;

  /** A turn of a conversation: its key and its prompt's estimated tokens. */
  record Turn(String key, int promptTokens) {}

  Affinity(ConversationAffinity settings, Supplier<List<List<EndpointState>>> pools, NodeStats stats,
      Ticker ticker) {
    this.epsilon = settings.epsilon();
    this.cacheAware = settings.isCacheAware();
    this.lastNode = Caffeine.newBuilder().maximumSize(settings.maxConversations())
        .expireAfterAccess(settings.idleExpiry()).build();
    this.pools = pools;
    this.stats = stats;
    this.ticker = ticker;
  }

  /** The turn of {@code request} for {@code model}, or null when it has no conversation key. */
  static Turn turn(ChatRequest request, String model) {
    String key = key(request, model);
    return key == null ? null : new Turn(key, SpendGuard.estimateTokens(request.promptText()));
  }

  /**
   * The conversation key of {@code request}: its own, or for a chat a hash of the model and its first system and
   * first user messages (stable over the turns of a conversation that resends its history); null for a generate
   * request without one.
   */
  static String key(ChatRequest request, String model) {
    if (request.conversation().isPresent()) {
      return "c:" + request.conversation().get();
    }
    if (request.kind() != ChatRequest.Kind.CHAT) {
      return null;
    }
    String system = "";
    String user = null;
    for (Message m : request.messages()) {
      if (m.role().equals("system") && system.isEmpty()) {
        system = m.content();
      } else if (m.role().equals("user")) {
        user = m.content();
        break;
      }
    }
    if (user == null) {
      return null;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(model.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(system.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(user.getBytes(StandardCharsets.UTF_8));
      return "h:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** {@code endpoint} served {@code turn}. */
  void served(Turn turn, String endpoint) {
    if (turn != null) {
      lastNode.put(turn.key(), endpoint);
    }
  }

  /**
   * {@code selector} preferring the conversation's last node while its load stays within the bound, or
   * {@code selector} itself when the conversation is new or its node is too loaded (or gone). Cache-aware: the last
   * node while it has a free slot, else the node within the bound where the turn's first token is predicted soonest.
   */
  Selector selector(Turn turn, Selector selector) {
    String node = turn == null ? null : lastNode.getIfPresent(turn.key());
    if (node == null && (!cacheAware || turn == null)) {
      return selector;
    }
    List<List<EndpointState>> snapshot = pools.get(); // one read of the pools for every test below
    if (cacheAware) {
      if (node != null && (freeSlot(snapshot, node, selector) || withinBound(snapshot, node, selector, false))) {
        return new Sticky(node, selector);
      }
      return turn != null ? soonestWithinBound(snapshot, turn, selector) : selector;
    }
    return withinBound(snapshot, node, selector, true) ? new Sticky(node, selector) : selector;
  }

  /**
   * The node within the bound where a turn that moves (or starts) gets its first token soonest by prediction: the
   * wait for a slot (none while one is free, else the queue ahead at the node's measured request time per slot)
   * plus evaluating the whole prompt at the node's measured speed per token. {@code selector} when none qualifies.
   */
  private Selector soonestWithinBound(List<List<EndpointState>> snapshot, Turn turn, Selector selector) {
    long now = ticker.read();
    double known = averageEvalPerToken(snapshot);
    EndpointState best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (List<EndpointState> pool : snapshot) {
      long inFlight = 0;
      long slots = 0;
      for (EndpointState e : pool) {
        if (selector.accepts(e)) {
          inFlight += e.inFlight();
          slots += Math.max(1, e.limit());
        }
      }
      for (EndpointState e : pool) {
        if (!selector.accepts(e) || !usable(e) || e.inFlight() + 1 > capacity(e, inFlight, slots)) {
          continue; // above the bound
        }
        double perToken = stats.promptEvalNanosPerToken(e.id());
        double cost = waitNanos(e, now) + turn.promptTokens() * (perToken >= 0 ? perToken : known);
        if (cost < bestCost) {
          best = e;
          bestCost = cost;
        }
      }
    }
    return best == null ? selector : new Sticky(best.id(), selector);
  }

  /** Whether {@code node} can serve the model, is not draining or broken, and has a free slot now. */
  private static boolean freeSlot(List<List<EndpointState>> snapshot, String node, Selector selector) {
    for (List<EndpointState> pool : snapshot) {
      for (EndpointState e : pool) {
        if (e.id().equals(node)) {
          return selector.accepts(e) && usable(e) && e.hasCapacity();
        }
      }
    }
    return false;
  }

  /** Whether {@code e} may take a conversation's turn at all: not draining, its breaker not open. */
  private static boolean usable(EndpointState e) {
    return !e.isDraining() && e.breaker().state() != dev.headroom.core.BreakerState.State.OPEN;
  }

  /**
   * The paper's capacity of {@code e}, {@code ceil((1 + epsilon) * m / n)} with this request counted in m, in its
   * share of the pool's slots: {@code inFlight} requests on {@code slots} slots of the nodes that serve the model.
   */
  private double capacity(EndpointState e, long inFlight, long slots) {
    return Math.ceil((1 + epsilon) * (inFlight + 1.0) * Math.max(1, e.limit()) / slots);
  }

  /** The predicted wait for a slot of {@code e}: none while one is free, else the queue ahead at its request time. */
  private static double waitNanos(EndpointState e, long now) {
    int limit = Math.max(1, e.limit());
    int ahead = e.inFlight() - limit + 1;
    return ahead <= 0 ? 0 : ahead * e.latencyNanos(now) / limit;
  }

  /** The mean evaluation time per token of the nodes that measured one; 0 when none has. */
  private double averageEvalPerToken(List<List<EndpointState>> snapshot) {
    double sum = 0;
    int count = 0;
    for (List<EndpointState> pool : snapshot) {
      for (EndpointState e : pool) {
        double perToken = stats.promptEvalNanosPerToken(e.id());
        if (perToken >= 0) {
          sum += perToken;
          count++;
        }
      }
    }
    return count == 0 ? 0 : sum / count;
  }

  /**
   * Whether the request should go to {@code node}: it is still there, serves the model, is not draining or broken,
   * and with one more request it holds no more than its capacity: {@code ceil((1 + epsilon) * m / n)} of bounded
   * loads, where m counts the requests in flight on the pool's nodes that serve the model, this one included, and n
   * is their slots, scaled to the node's slots; and it must have a free slot now.
   */
  private boolean withinBound(List<List<EndpointState>> snapshot, String node, Selector selector,
      boolean needsFreeSlot) {
    for (List<EndpointState> pool : snapshot) {
      EndpointState sticky = null;
      long inFlight = 0;
      long slots = 0;
      for (EndpointState e : pool) {
        if (!selector.accepts(e)) {
          continue;
        }
        inFlight += e.inFlight();
        slots += Math.max(1, e.limit());
        if (e.id().equals(node)) {
          sticky = e;
        }
      }
      if (sticky != null) {
        if (!usable(sticky)) {
          return false;
        }
        if (Double.isInfinite(epsilon)) {
          return true;
        }
        // a node may take it while it holds no more than its capacity with it; plain bounded loads also wants a
        // free slot now (queueing for its own slot there is the cache-aware variant's, benchmarks/RESULTS.md)
        return (!needsFreeSlot || sticky.hasCapacity()) && sticky.inFlight() + 1 <= capacity(sticky, inFlight, slots);
      }
    }
    return false; // the node is gone or cannot serve the model any more
  }

  /**
   * The conversation's node only: a cost factor alone would not do, since the default picker compares two nodes
   * drawn at random (power of two choices) and the conversation's node is rarely one of them.
   */
  private static final class Sticky implements Selector {
    private final String node;
    private final Selector delegate;

    Sticky(String node, Selector delegate) {
      this.node = node;
      this.delegate = delegate;
    }

    @Override
    public boolean accepts(EndpointState endpoint) {
      return endpoint.id().equals(node) && delegate.accepts(endpoint);
    }

    @Override
    public double costFactor(EndpointState endpoint) {
      return delegate.costFactor(endpoint);
    }

    @Override
    public boolean slowStart(EndpointState endpoint) {
      return delegate.slowStart(endpoint);
    }

    @Override
    public String toString() {
      return "sticky(" + node + ", " + delegate + ")";
    }
  }
}
