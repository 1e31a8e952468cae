package dev.headroom.redis.fleet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the fleet decides locally: set when a call to Redis fails or gets no reply within the command budget
 * (logged at WARN, at most once a minute), cleared when a whole publish round (heartbeat and every pool) answers
 * again (logged at INFO when the change to degraded was). Also keeps the last known live replica count, which local decisions divide hard caps by.
 * A new coordinator starts degraded, with a live count of 1, until its first round answers.
 */
final class Degradation {
  private static final Logger log = LoggerFactory.getLogger(RedisFleet.class);

  /** A flapping Redis logs its first change at WARN and INFO, the next ones within this time at DEBUG. */
  private static final Duration QUIET = Duration.ofMinutes(1);

  private final String replicaId;
  private final List<?> shownSeeds;
  private final Duration budget;
  private final Counter timeouts;
  private final Counter errors;
  private final Object lock = new Object();
  private volatile boolean degraded = true;
  private volatile int lastKnownLive = 1;
  /** Until when (System.nanoTime) permits are also held to the local share after a degraded episode ended. */
  private volatile long cautiousUntil = System.nanoTime();
  private final Duration grace;
  private boolean everShared;
  private boolean startWarned;
  private boolean episodeWarned;
  private long lastWarning = Long.MIN_VALUE;

  Degradation(String replicaId, List<?> shownSeeds, Duration budget, Duration grace, MeterRegistry registry) {
    this.replicaId = replicaId;
    this.grace = grace;
    this.shownSeeds = shownSeeds;
    this.budget = budget;
    this.timeouts = Counter.builder(FleetMetricNames.ERRORS).tag(FleetMetricNames.KIND, "timeout")
        .description("Fleet coordination calls that got no reply within the command budget").register(registry);
    this.errors = Counter.builder(FleetMetricNames.ERRORS).tag(FleetMetricNames.KIND, "error")
        .description("Fleet coordination calls that failed").register(registry);
  }

  boolean degraded() {
    return degraded;
  }

  /**
   * Whether a degraded episode ended less than the grace ago: the other replicas may not have written the permits
   * they granted themselves back to Redis yet, so a permit Redis grants may be one of theirs.
   */
  boolean cautious() {
    return System.nanoTime() - cautiousUntil < 0;
  }

  int lastKnownLive() {
    return lastKnownLive;
  }

  /**
   * The live count a heartbeat returned. While degraded, and for the grace after, it may only grow: the others'
   * heartbeats expired while Redis did not answer (or Redis came back empty), so a lower count is not news.
   */
  void live(int count) {
    int value = Math.max(1, count);
    lastKnownLive = degraded || cautious() ? Math.max(lastKnownLive, value) : value;
  }

  /**
   * A call failed or timed out: counts it and decides locally from now on. An interrupted wait says nothing about
   * Redis and changes nothing.
   */
  void failed(FleetClient.Unanswered cause) {
    if (cause.kind() == FleetClient.Unanswered.Kind.INTERRUPTED) {
      return;
    }
    boolean timeout = cause.kind() == FleetClient.Unanswered.Kind.TIMEOUT;
    (timeout ? timeouts : errors).increment();
    boolean warn;
    synchronized (lock) {
      if (degraded) {
        if (!everShared && !startWarned) {
          startWarned = true;
          log.warn("fleet replica '{}': Redis Cluster {} does not answer ({}); deciding locally, hard caps divided by"
              + " {} live replica(s), until it does", replicaId, shownSeeds, cause.getMessage(), lastKnownLive);
        }
        return;
      }
      degraded = true;
      long now = System.nanoTime();
      warn = lastWarning == Long.MIN_VALUE || now - lastWarning >= QUIET.toNanos();
      episodeWarned = warn;
      if (warn) {
        lastWarning = now;
      }
    }
    if (warn) {
      log.warn("fleet replica '{}': Redis Cluster {} ({}); deciding locally, hard caps divided by the last known {}"
          + " live replica(s), until it answers again", replicaId,
          timeout ? "did not answer within " + budget : "call failed", cause.getMessage(), lastKnownLive);
    } else {
      log.debug("fleet replica '{}': degraded again ({})", replicaId, cause.getMessage());
    }
  }

  /** Every call of a publish round answered. Returns true when this ends a degraded episode. */
  boolean answered() {
    boolean first;
    boolean warned;
    synchronized (lock) {
      if (!degraded) {
        return false;
      }
      degraded = false;
      if (everShared) {
        cautiousUntil = System.nanoTime() + grace.toNanos();
      }
      warned = episodeWarned;
      first = !everShared;
      everShared = true;
    }
    if (first) {
      log.info("fleet replica '{}': coordinating through Redis Cluster {} ({} live replica(s))", replicaId, shownSeeds,
          lastKnownLive);
    } else if (warned) {
      log.info("fleet replica '{}': Redis Cluster answers again; back to shared decisions ({} live replica(s))",
          replicaId, lastKnownLive);
    } else {
      log.debug("fleet replica '{}': shared again", replicaId);
    }
    return true;
  }
}
