package dev.headroom.sql;

import dev.headroom.core.NoCapacityException;
import dev.headroom.core.SpillReason;
import dev.headroom.core.TierAttempt;
import java.util.List;

/**
 * A read found no replica that could serve it, and the data source is configured with {@link FallbackPolicy#FAIL}.
 * Says why ({@link #reason()}) and what each replica looked like at that moment ({@link #replicas()}).
 */
public final class NoReplicaAvailableException extends NoCapacityException {
  private static final long serialVersionUID = 1L;

  private final FallbackReason reason;
  private final transient List<ReplicaStatus> replicas;

  /**
   * @param dataSource the data source's name
   * @param reason why no replica served the read
   * @param replicas every replica's status at that moment
   */
  public NoReplicaAvailableException(String dataSource, FallbackReason reason, List<ReplicaStatus> replicas) {
    super(List.of(new TierAttempt(dataSource + ".replicas", spillReason(reason),
        reason + ", and falling back to the primary is off; replicas " + replicas)));
    this.reason = reason;
    this.replicas = List.copyOf(replicas);
  }

  /** Why no replica served the read. */
  public FallbackReason reason() {
    return reason;
  }

  /** Every replica's status when the read was refused. */
  public List<ReplicaStatus> replicas() {
    return replicas;
  }

  private static SpillReason spillReason(FallbackReason reason) {
    return switch (reason) {
      case SATURATED -> SpillReason.SATURATED;
      case REPLICA_FAILED -> SpillReason.RETRYABLE_FAILURE;
      default -> SpillReason.NO_HEALTHY_ENDPOINT;
    };
  }
}
