package dev.headroom.redis.fleet;

import dev.headroom.core.fleet.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket shared through Redis (Bucket4j's Lettuce compare-and-swap proxy, one key per name), falling back,
 * while the fleet is degraded, to a local bucket of {@code tokens / liveReplicas} (the last known count). Bucket4j refills by the replicas' own clocks, which must agree within a small fraction of the period.
 */
final class RedisRateLimiter implements RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

  private final String name;
  private final long tokens;
  private final Duration period;
  private final AsyncBucketProxy shared;
  private final FleetClient client;
  private final Degradation degradation;
  private final Duration budget;
  private Bucket local;
  private long localShare;

  RedisRateLimiter(String name, long tokens, Duration period, String key, AsyncProxyManager<Object> proxies,
      FleetClient client, Degradation degradation, Duration budget) {
    this.name = name;
    this.tokens = tokens;
    this.period = period;
    this.client = client;
    this.degradation = degradation;
    this.budget = budget;
    BucketConfiguration configuration = BucketConfiguration.builder().addLimit(bandwidth(tokens)).build();
    this.shared = proxies.builder().build(key, () -> CompletableFuture.completedFuture(configuration));
  }

  private Bandwidth bandwidth(long capacity) {
    return Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build();
  }

  @Override
  public boolean tryConsume(long n) {
    return tryConsumeOrWait(n) == 0;
  }

  @Override
  public long tryConsumeOrWait(long n) {
    if (n <= 0) {
      return 0;
    }
    if (degradation.degraded() || !client.connected()) {
      return waitOf(local().tryConsumeAndReturnRemaining(n));
    }
    long deadline = System.nanoTime() + budget.toNanos();
    try {
      return waitOf(FleetClient.await(shared.tryConsumeAndReturnRemaining(n), deadline));
    } catch (FleetClient.Unanswered e) {
      degradation.failed(e);
      return waitOf(local().tryConsumeAndReturnRemaining(n));
    } catch (RuntimeException e) { // the connection went away between the check and the call
      degradation.failed(new FleetClient.Unanswered(FleetClient.Unanswered.Kind.ERROR, e));
      return waitOf(local().tryConsumeAndReturnRemaining(n));
    }
  }

  /** 0 for a probe that consumed, else its wait until the refill (at least 1 ns). */
  private static long waitOf(ConsumptionProbe probe) {
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  @Override
  public void refund(long n) {
    if (n <= 0) {
      return;
    }
    if (degradation.degraded() || !client.connected()) {
      local().addTokens(n);
      return;
    }
    try {
      shared.addTokens(n).whenComplete((ok, error) -> {
        if (error != null) {
          log.debug("rate limit '{}': a refund of {} was lost: {}", name, n, error.toString());
        }
      });
    } catch (RuntimeException e) {
      log.debug("rate limit '{}': a refund of {} was lost: {}", name, n, e.toString());
    }
  }

  /**
   * The local bucket: this replica's share of the tokens. It is kept across degraded episodes (a flapping Redis does
   * not refill it) and made afresh, full, only when the live count, and so the share, changed.
   */
  private synchronized Bucket local() {
    long share = Math.max(1, tokens / degradation.lastKnownLive());
    if (local == null || localShare != share) {
      local = Bucket.builder().addLimit(bandwidth(share)).build();
      localShare = share;
    }
    return local;
  }

  @Override
  public String toString() {
    return "RateLimiter{" + name + ", " + tokens + " per " + period + ", shared}";
  }
}
