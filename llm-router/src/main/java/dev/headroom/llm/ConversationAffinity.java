package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.time.Duration;

/**
 * Conversation affinity with bounded loads (consistent hashing with bounded loads, Mirrokni, Thorup and Zadimoghaddam
 * 2017): a chat that carries a {@link ChatRequest.Builder#conversation conversation key} (or, without one, whose
 * first system and user messages hash to the same key) goes back to the node that served that conversation last,
 * where the node's prompt cache already holds its history, unless that node's load (in flight per slot, with this
 * request) is above {@code (1 + epsilon)} times the average of the nodes that can serve the model; then least-loaded
 * picking decides and the conversation moves. {@code epsilon} of infinity is pure stickiness. Immutable.
 *
 * <pre>{@code
 * LlmRouter.builder()...conversationAffinity(ConversationAffinity.boundedLoads(0.25).cacheAware()).build();
 * }</pre>
 */
public final class ConversationAffinity {
  /** The default epsilon: a sticky node may carry 25% more than the average before its conversations move. */
  public static final double DEFAULT_EPSILON = 0.25;

  private final double epsilon;
  private final long maxConversations;
  private final Duration idleExpiry;
  private final boolean cacheAware;

  private ConversationAffinity(double epsilon, long maxConversations, Duration idleExpiry) {
    this(epsilon, maxConversations, idleExpiry, false);
  }

  private ConversationAffinity(double epsilon, long maxConversations, Duration idleExpiry, boolean cacheAware) {
    Checks checks = Checks.in("conversation affinity");
    if (!(epsilon >= 0)) {
      throw checks.invalid("epsilon", epsilon, "must be >= 0 (or infinity for pure stickiness)");
    }
    checks.atLeast("maxConversations", maxConversations, 1L);
    checks.positive("idleExpiry", idleExpiry);
    this.epsilon = epsilon;
    this.maxConversations = maxConversations;
    this.idleExpiry = idleExpiry;
    this.cacheAware = cacheAware;
  }

  /** Bounded loads with {@code epsilon} (0.25: a node may carry 25% over the average), 100,000 conversations kept. */
  public static ConversationAffinity boundedLoads(double epsilon) {
    return new ConversationAffinity(epsilon, 100_000, Duration.ofMinutes(30));
  }

  /** Pure stickiness: a conversation stays on its node however loaded (a baseline, not a recommendation). */
  public static ConversationAffinity sticky() {
    return boundedLoads(Double.POSITIVE_INFINITY);
  }

  /** This affinity remembering at most {@code value} conversations (the least recently used go first). */
  public ConversationAffinity maxConversations(long value) {
    return new ConversationAffinity(epsilon, value, idleExpiry, cacheAware);
  }

  /** This affinity forgetting a conversation idle for {@code value}. */
  public ConversationAffinity idleExpiry(Duration value) {
    return new ConversationAffinity(epsilon, maxConversations, value, cacheAware);
  }

  /**
   * This affinity weighing what a move costs: a conversation stays on its node while the node has a free slot, or
   * while its load with this turn is within the bound (then the turn waits for a slot there, as in the paper, rather
   * than having its whole history read again elsewhere); otherwise it moves to the node within the bound where its
   * first token is predicted soonest. Plain {@link #boundedLoads} moves a turn whenever its node has no free slot,
   * and, while few requests are in flight, even when it has one: the paper's capacity,
   * {@code ceil((1 + epsilon) m / n)}, is one request while m is below n. The prediction is the wait for a slot
   * (none while one is free, else the requests ahead at the node's measured request time) plus reading the whole
   * prompt, which that node's cache does not hold, at the node's measured prompt-evaluation speed per token: a long
   * history moves to a node that reads it fast, not to an idle slow one. The recommended setting (see the
   * benchmark in {@code benchmarks/RESULTS.md}).
   */
  public ConversationAffinity cacheAware() {
    return new ConversationAffinity(epsilon, maxConversations, idleExpiry, true);
  }

  /** Whether this affinity is {@linkplain #cacheAware() cache-aware}. */
  public boolean isCacheAware() {
    return cacheAware;
  }


  /** How far above the average load a sticky node may be. */
  public double epsilon() {
    return epsilon;
  }

  /** The most conversations remembered. */
  public long maxConversations() {
    return maxConversations;
  }

  /** How long an idle conversation is remembered. */
  public Duration idleExpiry() {
    return idleExpiry;
  }

  @Override
  public String toString() {
    return "ConversationAffinity{epsilon=" + epsilon + ", max=" + maxConversations + ", idle=" + idleExpiry
        + (cacheAware ? ", cache-aware" : "") + '}';
  }
}
