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
 * LlmRouter.builder()...conversationAffinity(ConversationAffinity.boundedLoads(0.25)).build();
 * }</pre>
 */
public final class ConversationAffinity {
  /** The default epsilon: a sticky node may carry 25% more than the average before its conversations move. */
  public static final double DEFAULT_EPSILON = 0.25;

  private final double epsilon;
  private final long maxConversations;
  private final Duration idleExpiry;

  private ConversationAffinity(double epsilon, long maxConversations, Duration idleExpiry) {
    Checks checks = Checks.in("conversation affinity");
    if (!(epsilon >= 0)) {
      throw checks.invalid("epsilon", epsilon, "must be >= 0 (or infinity for pure stickiness)");
    }
    checks.atLeast("maxConversations", maxConversations, 1L);
    checks.positive("idleExpiry", idleExpiry);
    this.epsilon = epsilon;
    this.maxConversations = maxConversations;
    this.idleExpiry = idleExpiry;
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
    return new ConversationAffinity(epsilon, value, idleExpiry);
  }

  /** This affinity forgetting a conversation idle for {@code value}. */
  public ConversationAffinity idleExpiry(Duration value) {
    return new ConversationAffinity(epsilon, maxConversations, value);
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
    return "ConversationAffinity{epsilon=" + epsilon + ", max=" + maxConversations + ", idle=" + idleExpiry + '}';
  }
}
