package dev.headroom.core.fleet;

import dev.headroom.core.time.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link FleetCoordinator#local()}: one process alone. Views are empty, permits are counted but never refused (the
 * pool's own limit is the cap), limits are Bucket4j local buckets and a local sliding window. Every call to
 * {@link #rateLimit} or {@link #window} makes a new one: two routers in one process do not share a budget by name.
 */
final class LocalCoordinator implements FleetCoordinator {
  static final LocalCoordinator INSTANCE = new LocalCoordinator();

  private final String replicaId = "local-" + UUID.randomUUID().toString().substring(0, 8);

  private LocalCoordinator() {}

  @Override
  public String replicaId() {
    return replicaId;
  }

  @Override
  public PoolLink join(String pool, PoolMember member) {
    return new LocalLink();
  }

  @Override
  public RateLimiter rateLimit(String name, long tokens, Duration period) {
    Bucket bucket = Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(tokens).refillGreedy(tokens, period).build())
        .build();
    return new RateLimiter() {
      @Override
      public boolean tryConsume(long n) {
        return bucket.tryConsume(n);
      }

      @Override
      public long tryConsumeOrWait(long n) {
        return Buckets.tryConsumeOrWait(bucket, n);
      }

      @Override
      public void refund(long n) {
        bucket.addTokens(n);
      }

      @Override
      public String toString() {
        return "RateLimiter{" + name + ", local}";
      }
    };
  }

  @Override
  public SharedWindow window(String name, Duration window, int slices) {
    return new LocalWindow(window, slices, Ticker.system());
  }

  @Override
  public int liveReplicas() {
    return 1;
  }

  @Override
  public boolean degraded() {
    return false;
  }

  @Override
  public void close() {
    // nothing shared, nothing to give back
  }

  @Override
  public String toString() {
    return "FleetCoordinator{local}";
  }

  /** Counts permits and never refuses one: the pool's own concurrency limit is the cap in one process. */
  private static final class LocalLink implements PoolLink {
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

    @Override
    public boolean tryAcquire(String endpoint, int cap) {
      held.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
      return true;
    }

    @Override
    public void release(String endpoint) {
      AtomicInteger count = held.get(endpoint);
      if (count != null) {
        count.updateAndGet(n -> Math.max(0, n - 1));
      }
    }

    @Override
    public int held(String endpoint) {
      AtomicInteger count = held.get(endpoint);
      return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
      held.clear();
    }
  }
}
