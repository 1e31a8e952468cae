package dev.headroom.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Selector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The conversation table of a {@link ConversationAffinity}: which node served each conversation last (a bounded,
 * expiring Caffeine cache), the key of a request, and the bounded-load test that decides whether a request goes back
 * there. Thread-safe. The test reads the pools' states when the request is routed, not at each pick: a request that
 * then waits for the node's slot waits as bounded loads allow.
 */
final class Affinity {
  private final double epsilon;
  private final Cache<String, String> lastNode;
  private final Supplier<List<List<EndpointState>>> pools;

  Affinity(ConversationAffinity settings, Supplier<List<List<EndpointState>>> pools) {
    this.epsilon = settings.epsilon();
    this.lastNode = Caffeine.newBuilder().maximumSize(settings.maxConversations())
        .expireAfterAccess(settings.idleExpiry()).build();
    this.pools = pools;
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

  /** {@code endpoint} served the conversation {@code key}. */
  void served(String key, String endpoint) {
    if (key != null) {
      lastNode.put(key, endpoint);
    }
  }

  /**
   * {@code selector} preferring the conversation's last node while its load stays within the bound, or
   * {@code selector} itself when the conversation is new or its node is too loaded (or gone).
   */
  Selector selector(String key, Selector selector) {
    String node = key == null ? null : lastNode.getIfPresent(key);
    if (node == null || !withinBound(node, selector)) {
      return selector;
    }
    return new Sticky(node, selector);
  }

  /**
   * Whether the request should go to {@code node}: it is still there, serves the model, is not draining or broken,
   * and with one more request it holds no more than its capacity: {@code ceil((1 + epsilon) * m / n)} of bounded
   * loads, where m counts the requests in flight on the pool's nodes that serve the model, this one included, and n
   * is their slots, scaled to the node's slots; and it must have a free slot now.
   */
  private boolean withinBound(String node, Selector selector) {
    for (List<EndpointState> pool : pools.get()) {
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
        if (sticky.isDraining() || sticky.breaker().state() == dev.headroom.core.BreakerState.State.OPEN) {
          return false;
        }
        if (Double.isInfinite(epsilon)) {
          return true;
        }
        // the paper's capacity, ceil((1 + epsilon) * m / n) with this request counted in m, in the node's share
        // of the slots: a node may take it while it holds no more than its capacity with it
        double capacity = Math.ceil((1 + epsilon) * (inFlight + 1.0) * Math.max(1, sticky.limit()) / slots);
        // and a free slot: queueing for its own slot instead was measured to cut the median but lengthen the tail
        // (benchmarks/RESULTS.md, "Conversations")
        return sticky.hasCapacity() && sticky.inFlight() + 1 <= capacity;
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
