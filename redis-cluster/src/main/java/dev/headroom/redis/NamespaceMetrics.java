package dev.headroom.redis;

import static dev.headroom.redis.CacheMetricNames.CACHE;
import static dev.headroom.redis.CacheMetricNames.KIND;
import static dev.headroom.redis.CacheMetricNames.NAMESPACE;
import static dev.headroom.redis.CacheMetricNames.RESULT;
import static dev.headroom.redis.CacheMetricNames.TIER;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The meters of one namespace, created once so the hot path only increments. */
final class NamespaceMetrics {
  final Counter l1Hit;
  final Counter l1Miss;
  final Counter l2Hit;
  final Counter l2Miss;
  final Counter loadSuccess;
  final Counter loadFailure;
  final Counter earlyRefresh;
  final Counter warmSuccess;
  final Counter warmFailure;
  final Counter ttlExpired;
  final Timer loadTime;
  final Counter coalesced;
  final Counter invalidationsSent;
  final Counter invalidationsReceived;
  final Counter gaps;
  final Counter l2Timeout;
  final Counter l2Error;
  final Counter l2Decode;
  final Counter l2WrongType;
  final Counter l2Oversize;
  final Counter l2Unacknowledged;
  final Counter l2PublishFailed;
  final Counter flightLoaded;
  final Counter flightReceived;
  final Counter flightTookOver;
  final Counter flightTimedOut;
  final Counter flightSkipped;
  final Timer flightWait;
  final AtomicInteger flightsWaiting = new AtomicInteger();
  private final MeterRegistry registry;
  private final Tags tags;

  NamespaceMetrics(MeterRegistry registry, String cache, String namespace, TtlTuner tuner,
      Supplier<Long> l1Size) {
    this.registry = registry;
    this.tags = Tags.of(CACHE, cache, NAMESPACE, namespace);
    l1Hit = counter(CacheMetricNames.GETS, TIER, "l1", RESULT, "hit");
    l1Miss = counter(CacheMetricNames.GETS, TIER, "l1", RESULT, "miss");
    l2Hit = counter(CacheMetricNames.GETS, TIER, "l2", RESULT, "hit");
    l2Miss = counter(CacheMetricNames.GETS, TIER, "l2", RESULT, "miss");
    loadSuccess = counter(CacheMetricNames.LOADS, RESULT, "success", KIND, "miss");
    loadFailure = counter(CacheMetricNames.LOADS, RESULT, "failure", KIND, "miss");
    earlyRefresh = counter(CacheMetricNames.LOADS, RESULT, "success", KIND, "early");
    warmSuccess = counter(CacheMetricNames.LOADS, RESULT, "success", KIND, "warm");
    warmFailure = counter(CacheMetricNames.LOADS, RESULT, "failure", KIND, "warm");
    ttlExpired = counter(CacheMetricNames.TTL_EXPIRED);
    loadTime = Timer.builder(CacheMetricNames.LOAD_TIME).tags(tags).description("Time the loader took")
        .register(registry);
    coalesced = counter(CacheMetricNames.COALESCED);
    invalidationsSent = counter(CacheMetricNames.INVALIDATIONS, "direction", "sent");
    invalidationsReceived = counter(CacheMetricNames.INVALIDATIONS, "direction", "received");
    gaps = counter(CacheMetricNames.GAPS);
    l2Timeout = counter(CacheMetricNames.L2_ERRORS, KIND, "timeout");
    l2Error = counter(CacheMetricNames.L2_ERRORS, KIND, "error");
    l2Decode = counter(CacheMetricNames.L2_ERRORS, KIND, "decode");
    l2WrongType = counter(CacheMetricNames.L2_ERRORS, KIND, "wrongtype");
    l2Oversize = counter(CacheMetricNames.L2_ERRORS, KIND, "oversize");
    l2Unacknowledged = counter(CacheMetricNames.L2_ERRORS, KIND, "unacknowledged");
    l2PublishFailed = counter(CacheMetricNames.L2_ERRORS, KIND, "publish");
    flightLoaded = counter(CacheMetricNames.FLIGHTS, RESULT, "loaded");
    flightReceived = counter(CacheMetricNames.FLIGHTS, RESULT, "received");
    flightTookOver = counter(CacheMetricNames.FLIGHTS, RESULT, "took_over");
    flightTimedOut = counter(CacheMetricNames.FLIGHTS, RESULT, "timeout");
    flightSkipped = counter(CacheMetricNames.FLIGHTS, RESULT, "skipped");
    flightWait = Timer.builder(CacheMetricNames.FLIGHT_WAIT).tags(tags)
        .description("Time spent waiting for another replica's load of a key").register(registry);
    Gauge.builder(CacheMetricNames.FLIGHTS_WAITING, flightsWaiting, AtomicInteger::get).tags(tags)
        .description("Callers waiting now for another replica's load").strongReference(true).register(registry);
    Gauge.builder(CacheMetricNames.TTL, tuner, t -> t.currentTtl().toMillis() / 1000.0).tags(tags)
        .baseUnit("seconds").description("Current L2 TTL").strongReference(true).register(registry);
    Gauge.builder(CacheMetricNames.TARGET, tuner, t -> t.policy().targetLow()).tags(tags)
        .description("Hit-rate target").strongReference(true).register(registry);
    Gauge.builder(CacheMetricNames.HIT_RATE, tuner, t -> t.smoothedHitRate().orElse(Double.NaN)).tags(tags)
        .description("Smoothed hit rate").strongReference(true).register(registry);
    Gauge.builder(CacheMetricNames.TARGET_UNREACHABLE, tuner, t -> t.infeasible() ? 1 : 0).tags(tags)
        .description("1 while the hit-rate target cannot be reached").strongReference(true).register(registry);
    Gauge.builder(CacheMetricNames.L1_SIZE, l1Size, s -> s.get()).tags(tags).description("Entries in L1")
        .strongReference(true).register(registry);
  }

  void l1Cleared(String reason) {
    counter(CacheMetricNames.L1_CLEARS, "reason", reason).increment();
  }

  void loadTime(long nanos) {
    loadTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String... extraTags) {
    return Counter.builder(name).tags(tags).tags(extraTags).register(registry);
  }
}
