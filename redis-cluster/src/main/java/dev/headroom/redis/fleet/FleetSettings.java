package dev.headroom.redis.fleet;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The immutable settings of a {@link RedisFleet}, made by its builder. The seeds' credentials live only inside the
 * Lettuce URIs; {@link #toString()} shows the seeds without them.
 *
 * @param seeds the seeds to connect to, with credentials
 * @param shownSeeds the same seeds without credentials, for messages
 */
record FleetSettings(List<RedisURI> seeds, List<URI> shownSeeds, String replicaId, Duration publishInterval,
    Duration permitTtl, Duration commandBudget, Duration connectTimeout, String keyPrefix, String clientName,
    MeterRegistry meterRegistry) {

  /** A heartbeat, a published load entry: stale after three publish intervals. */
  Duration staleAfter() {
    return publishInterval.multipliedBy(3);
  }

  /** Held permits are pushed forward three times per TTL. */
  Duration renewEvery() {
    return permitTtl.dividedBy(3);
  }

  /** Lettuce's own command timeout: how long a command may sit unanswered at all (callers stop waiting sooner). */
  Duration lettuceTimeout() {
    Duration fourBudgets = commandBudget.multipliedBy(4);
    return fourBudgets.compareTo(Duration.ofSeconds(1)) > 0 ? fourBudgets : Duration.ofSeconds(1);
  }

  @Override
  public String toString() {
    return "FleetSettings{replica=" + replicaId + ", seeds=" + shownSeeds + ", publishInterval=" + publishInterval
        + ", permitTtl=" + permitTtl + ", commandBudget=" + commandBudget + ", keyPrefix=" + keyPrefix + '}';
  }
}
