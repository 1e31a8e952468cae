package dev.headroom.redis;

import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import io.lettuce.core.ReadFrom;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The immutable settings of a {@link CacheCluster}, made by its builder. The password never appears in toString. */
record ClusterSettings(String name, List<URI> seeds, String user, char[] password, ReadFrom readFrom,
    Duration commandTimeout, Duration readTimeout, Duration connectTimeout, Duration topologyRefreshPeriod,
    int failureThreshold, Duration probeInterval, Duration settleTime, Duration masterReadWindow,
    double memoryGuardShare, Duration memoryGuardInterval, String keyPrefix, String clientName, int ioThreads,
    Ticker ticker, Scheduler scheduler, Clock wallClock, MeterRegistry meterRegistry) {

  /** How long one health probe may take. */
  Duration probeTimeout() {
    return commandTimeout.plus(commandTimeout);
  }

  @Override
  public String toString() {
    return "ClusterSettings{" + name + ", seeds=" + seeds + ", user=" + user + ", password="
        + (password == null ? "none" : "****") + ", readFrom=" + readFrom + ", commandTimeout=" + commandTimeout
        + ", readTimeout=" + readTimeout + '}';
  }
}
