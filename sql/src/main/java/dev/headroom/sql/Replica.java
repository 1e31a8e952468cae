package dev.headroom.sql;

import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica: its DataSource and what the probes last learned about it. The pool's selector reads
 * {@link #acceptsReads()} on every pick, so a replica that starts or stops lagging is in or out at once, without a
 * new snapshot. Health (down, ejected) is the core pool's business.
 */
final class Replica {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRoutingDataSource.class);

  final String id;
  final DataSource dataSource;
  final int maxConnections;
  private final String owner;
  private volatile boolean verified;
  private volatile boolean lagging;
  private volatile long replayed = -1;
  private volatile long lagBytes;
  private volatile long lagNanos;
  private volatile String probeProblem = "not probed yet";

  Replica(String owner, String id, DataSource dataSource, int maxConnections) {
    this.owner = owner;
    this.id = id;
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource of replica " + id);
    this.maxConnections = maxConnections;
  }

  /**
   * The most connection attempts that may be outstanding on its DataSource at once (see
   * {@link ReplicaConnector}): its connection limit, at most 64.
   */
  int connectLimit() {
    return Math.min(maxConnections, 64);
  }

  /** Verified as a standby and within the lag limits. */
  boolean acceptsReads() {
    return verified && !lagging;
  }

  boolean verified() {
    return verified;
  }

  boolean lagging() {
    return lagging;
  }

  long replayed() {
    return replayed;
  }

  long lagBytes() {
    return lagBytes;
  }

  long lagNanos() {
    return lagNanos;
  }

  String probeProblem() {
    return probeProblem;
  }

  /** Whether it is known to have replayed {@code position}. */
  boolean hasReplayed(long position) {
    long r = replayed;
    return r >= 0 && Long.compareUnsigned(r, position) >= 0;
  }

  /** A wait on the replica saw it reach {@code position}. */
  void reached(long position) {
    long r = replayed;
    if (r < 0 || Long.compareUnsigned(r, position) < 0) {
      replayed = position; // a racing probe may overwrite with its own (also true) reading: fine
    }
  }

  /** The start-up check or a probe confirmed a standby. */
  void verifiedStandby() {
    if (!verified) {
      verified = true;
      log.info("'{}': replica '{}' verified as a hot standby", owner, id);
    }
    probeProblem = "";
  }

  /** A probe found a server that is not in recovery: promoted, or the wrong URL. It gets no reads. */
  void notAStandby() {
    if (verified || !probeProblem.startsWith("not a standby")) {
      log.error("'{}': replica '{}' is not in recovery (promoted, or its URL points at a primary); "
          + "no reads go there until it is a standby again", owner, id);
    }
    verified = false;
    probeProblem = "not a standby: the server is not in recovery";
  }

  void probeFailed(String problem) {
    probeProblem = "probe failed: " + problem;
  }

  /** Stores a probe's lag reading and applies the limits, logging when the replica leaves or rejoins. */
  void lag(long replayedPosition, long bytes, long nanos, long maxBytes, long maxNanos) {
    replayed = replayedPosition;
    lagBytes = bytes;
    lagNanos = nanos;
    boolean over = bytes > maxBytes || nanos > maxNanos;
    if (over != lagging) {
      lagging = over;
      if (over) {
        log.warn("'{}': replica '{}' lags {} bytes / {} ms behind the primary (limits {} bytes / {} ms): "
            + "no reads go there until it catches up", owner, id, bytes, nanos / 1_000_000, maxBytes,
            maxNanos / 1_000_000);
      } else {
        log.info("'{}': replica '{}' caught up ({} bytes / {} ms behind): reads go there again", owner, id,
            bytes, nanos / 1_000_000);
      }
    }
  }

  @Override
  public String toString() {
    return "Replica{" + id + '}';
  }
}
