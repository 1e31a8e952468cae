package dev.headroom.spring.cache;

import dev.headroom.core.Checks;
import dev.headroom.core.ConfigException;
import dev.headroom.redis.CacheCluster;
import dev.headroom.redis.TieredCache;
import dev.headroom.redis.TtlPolicy;
import dev.headroom.spring.PropertyErrors;
import io.lettuce.core.ReadFrom;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps {@code headroom.cache.*} onto a {@link CacheCluster.Builder} and the namespaces' settings, naming every rejected
 * value by its property. Everything is checked before the cluster connects.
 */
final class CacheClusterFactory {
  static final String AT = "headroom.cache";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** TtlPolicy's setting paths and the properties of {@link HeadroomCacheProperties.Ttl} they are. */
  private static final Map<String, String> TTL_SETTINGS = Map.ofEntries(
      Map.entry("initialTtl", "initial"), Map.entry("minTtl", "min"), Map.entry("maxTtl", "max"),
      Map.entry("targetLow", "target-hit-rate.low"), Map.entry("targetHigh", "target-hit-rate.high"),
      Map.entry("raiseFactor", "raise-factor"), Map.entry("lowerFactor", "lower-factor"),
      Map.entry("jitter", "jitter"), Map.entry("minWindow", "min-window"), Map.entry("minSamples", "min-samples"),
      Map.entry("smoothing", "smoothing"), Map.entry("warmUp", "warm-up"),
      Map.entry("infeasibleAfter", "infeasible-after"));

  private CacheClusterFactory() {}

  /** The cluster's builder, every setting checked (the namespaces too, so that nothing connects on a bad value). */
  static CacheCluster.Builder builder(HeadroomCacheProperties p, Optional<MeterRegistry> registry) {
    namespaces(p);
    if (p.name() == null || !NAME.matcher(p.name()).matches()) {
      throw PropertyErrors.invalid(AT + ".name", "'" + p.name() + "'", "must be 1-64 of letters, digits and . _ -");
    }
    if (p.uris().isEmpty()) {
      throw PropertyErrors.invalid(AT + ".uris", "[]", "must name at least one redis://host:port of the cluster");
    }
    List<URI> seeds = new ArrayList<>();
    for (int i = 0; i < p.uris().size(); i++) {
      seeds.add(seed(AT + ".uris[" + i + "]", p.uris().get(i)));
    }
    CacheCluster.Builder b = CacheCluster.builder().name(p.name()).seeds(seeds);
    // empty means none, so that password: ${REDIS_PASSWORD:} works where there is no password
    boolean password = p.password() != null && !p.password().isEmpty();
    boolean username = p.username() != null && !p.username().isBlank();
    if (password && username) {
      b.credentials(p.username(), p.password().toCharArray());
    } else if (password) {
      b.password(p.password().toCharArray());
    } else if (username) {
      throw PropertyErrors.invalid(AT + ".username", p.username(), "needs " + AT + ".password");
    }
    b.readFrom(readFrom(p.readFrom()));
    set(AT + ".command-timeout", () -> b.commandTimeout(p.commandTimeout()));
    set(AT + ".read-timeout", () -> b.readTimeout(p.readTimeout()));
    set(AT + ".connect-timeout", () -> b.connectTimeout(p.connectTimeout()));
    set(AT + ".topology-refresh-period", () -> b.topologyRefreshPeriod(p.topologyRefreshPeriod()));
    set(AT + ".failure-threshold", () -> b.failureThreshold(p.failureThreshold()));
    set(AT + ".probe-interval", () -> b.probeInterval(p.probeInterval()));
    set(AT + ".settle-time", () -> b.settleTime(p.settleTime()));
    set(AT + ".master-read-window", () -> b.masterReadWindow(p.masterReadWindow()));
    Checks.plain().positive(AT + ".memory-guard.interval", p.memoryGuard().interval());
    set(AT + ".memory-guard.share", () -> b.memoryGuard(p.memoryGuard().share(), p.memoryGuard().interval()));
    set(AT + ".key-prefix", () -> b.keyPrefix(p.keyPrefix()));
    if (p.clientName() != null) {
      set(AT + ".client-name", () -> b.clientName(p.clientName()));
    }
    set(AT + ".io-threads", () -> b.ioThreads(p.ioThreads()));
    registry.ifPresent(b::meterRegistry);
    return b;
  }

  static CacheCluster build(CacheCluster.Builder builder) {
    return PropertyErrors.at(AT, builder::build);
  }

  /**
   * Every namespace's settings, checked; with {@code llm-responses} on and not configured, its namespace with the
   * builders' defaults.
   */
  static Map<String, NamespaceSettings> namespaces(HeadroomCacheProperties p) {
    Map<String, NamespaceSettings> out = new LinkedHashMap<>();
    p.namespaces().forEach((name, n) -> out.put(name, namespace(name, n)));
    if (p.llmResponses().enabled() && !out.containsKey(RedisResponseCache.NAMESPACE)) {
      out.put(RedisResponseCache.NAMESPACE, NamespaceSettings.defaults(RedisResponseCache.NAMESPACE));
    }
    return out;
  }

  private static NamespaceSettings namespace(String name, HeadroomCacheProperties.Namespace n) {
    String at = AT + ".namespaces." + name;
    if (!NAME.matcher(name).matches()) {
      throw PropertyErrors.invalid(at, name, "must be named with 1-64 of letters, digits and . _ -");
    }
    TtlPolicy ttl = ttl(at + ".ttl", n.ttl());
    HeadroomCacheProperties.L1 l1 = n.l1();
    if (l1.enabled()) {
      if (l1.maxSize() < 1) {
        throw PropertyErrors.invalid(at + ".l1.max-size", l1.maxSize(), "must be >= 1");
      }
      Checks.plain().positive(at + ".l1.ttl", l1.ttl());
      if (l1.ttl().compareTo(ttl.maxTtl()) > 0) {
        throw PropertyErrors.invalid(at + ".l1.ttl", l1.ttl(), "must be <= " + at + ".ttl.max (" + ttl.maxTtl()
            + "): an L1 entry never outlives its L2 TTL");
      }
    }
    if (!(n.earlyRefresh() >= 0 && n.earlyRefresh() <= 100)) {
      throw PropertyErrors.invalid(at + ".early-refresh", n.earlyRefresh(), "must be in [0, 100]");
    }
    HeadroomCacheProperties.DurableWrites durable = n.durableWrites();
    if (durable.replicas() < 0) {
      throw PropertyErrors.invalid(at + ".durable-writes.replicas", durable.replicas(), "must be >= 0 (0: off)");
    }
    if (durable.replicas() > 0
        && (durable.timeout() == null || durable.timeout().isNegative() || durable.timeout().isZero())) {
      throw PropertyErrors.invalid(at + ".durable-writes.timeout", durable.timeout() == null ? "(missing)"
          : durable.timeout(), "must be > 0 when durable-writes.replicas is set");
    }
    long maxValueBytes = n.maxValueSize() == null ? -1 : n.maxValueSize().toBytes();
    if (maxValueBytes < 1 || maxValueBytes > Integer.MAX_VALUE) {
      throw PropertyErrors.invalid(at + ".max-value-size", n.maxValueSize() == null ? "(missing)" : n.maxValueSize(),
          "must be between 1B and 2GB");
    }
    HeadroomCacheProperties.ReplicaSingleFlight flight = n.replicaSingleFlight();
    if (flight.enabled() && (flight.maxWait() == null || flight.maxWait().toMillis() < 1
        || flight.maxWait().compareTo(TieredCache.MAX_REPLICA_SINGLE_FLIGHT_WAIT) > 0)) {
      throw PropertyErrors.invalid(at + ".replica-single-flight.max-wait", flight.maxWait() == null ? "(missing)"
          : flight.maxWait(), "must be in [1ms, 10m]");
    }
    return new NamespaceSettings(name, ttl, builder -> {
      builder.maxValueBytes((int) maxValueBytes);
      if (flight.enabled()) {
        builder.replicaSingleFlight(flight.maxWait());
      } else {
        builder.withoutReplicaSingleFlight();
      }
      if (l1.enabled()) {
        builder.l1(l1.maxSize(), l1.ttl());
      } else {
        builder.withoutL1();
      }
      builder.ttl(ttl).earlyRefresh(n.earlyRefresh());
      if (durable.replicas() > 0) {
        builder.durableWrites(durable.replicas(), durable.timeout());
      }
    });
  }

  private static TtlPolicy ttl(String at, HeadroomCacheProperties.Ttl t) {
    required(at + ".initial", t.initial());
    required(at + ".min", t.min());
    required(at + ".max", t.max());
    required(at + ".min-window", t.minWindow());
    TtlPolicy.Builder b = TtlPolicy.builder()
        .initialTtl(t.initial())
        .bounds(t.min(), t.max())
        .targetHitRate(t.targetHitRate().low(), t.targetHitRate().high())
        .raiseFactor(t.raiseFactor())
        .lowerFactor(t.lowerFactor())
        .jitter(t.jitter())
        .minWindow(t.minWindow())
        .minSamples(t.minSamples())
        .smoothing(t.smoothing())
        .infeasibleAfter(t.infeasibleAfter())
        .tuning(t.tuning());
    if (t.warmUp() != null) {
      b.warmUp(t.warmUp());
    }
    try {
      return b.build();
    } catch (ConfigException e) {
      String property = TTL_SETTINGS.get(e.path()); // the builder's path where the property is named otherwise
      throw property != null ? PropertyErrors.rename(at + "." + property, e) : PropertyErrors.translate(at, e);
    }
  }

  private static void required(String property, Duration value) {
    if (value == null) {
      throw PropertyErrors.invalid(property, "(empty)", "must be set");
    }
  }

  private static URI seed(String property, URI uri) {
    if (uri == null) {
      throw PropertyErrors.invalid(property, "(missing)", "must be set");
    }
    if (uri.getUserInfo() != null) {
      throw PropertyErrors.invalid(property, "redis://***@" + uri.getHost() + ":" + uri.getPort(),
          "must not carry credentials: set " + AT + ".username and " + AT + ".password");
    }
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
      throw PropertyErrors.invalid(property, uri, "must be redis://host:port");
    }
    return uri;
  }

  private static ReadFrom readFrom(String value) {
    String property = AT + ".read-from";
    if (value == null || value.isBlank()) {
      throw PropertyErrors.invalid(property, "'" + value + "'", "must be set");
    }
    int colon = value.indexOf(':');
    String type = (colon < 0 ? value : value.substring(0, colon)).replace("-", "").replace("_", "");
    String name = colon < 0 ? type : type + value.substring(colon);
    try {
      return ReadFrom.valueOf(name); // Lettuce ignores the case: replicaPreferred, REPLICAPREFERRED
    } catch (IllegalArgumentException e) {
      throw PropertyErrors.invalid(property, value, "must be replica-preferred, replica, master, master-preferred,"
          + " upstream, upstream-preferred, lowest-latency, any, any-replica, subnet:<cidr>,... or regex:<pattern> ("
          + e.getMessage() + ")");
    }
  }

  private static void set(String property, Runnable setter) {
    PropertyErrors.as(property, () -> {
      setter.run();
      return null;
    });
  }
}
