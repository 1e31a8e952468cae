package dev.headroom.spring;

import dev.headroom.core.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's Headroom pools by name: the ones built from {@code headroom.pools.*} and any
 * {@link Pool} beans the application defines itself (which win over a configured pool of the same name). Routers
 * and other modules' auto-configurations look pools up here. Closing it closes the pools it created, not the
 * application's own.
 */
public final class HeadroomPools implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeadroomPools.class);

  private final Map<String, Pool> pools;
  private final Set<String> owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param pools every pool by name, in order
   * @param owned the names of the pools this registry created and closes
   */
  public HeadroomPools(Map<String, Pool> pools, Set<String> owned) {
    this.pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    this.owned = Set.copyOf(owned);
  }

  /** The pool named {@code name}, if there is one. */
  public Optional<Pool> find(String name) {
    return Optional.ofNullable(pools.get(name));
  }

  /**
   * The pool named {@code name}.
   *
   * @throws IllegalArgumentException naming the pools there are, when there is none of that name
   */
  public Pool get(String name) {
    Pool pool = pools.get(name);
    if (pool == null) {
      throw new IllegalArgumentException("no Headroom pool named '" + name + "'; there are " + pools.keySet());
    }
    return pool;
  }

  /** Every pool by name, in configuration order. */
  public Map<String, Pool> asMap() {
    return pools;
  }

  /** The pool names. */
  public Set<String> names() {
    return pools.keySet();
  }

  /**
   * Drains every pool (no new leases; held ones finish) and waits at most {@code timeout} for the held leases.
   *
   * @return whether every lease ended in time
   */
  public boolean drainAll(Duration timeout) {
    List<CompletableFuture<Void>> drains = new ArrayList<>();
    pools.values().forEach(pool -> drains.add(pool.drainAll()));
    try {
      CompletableFuture.allOf(drains.toArray(new CompletableFuture<?>[0]))
          .get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      pools.values().stream().filter(p -> p.inFlight() > 0).forEach(p ->
          LOG.warn("pool '{}': {} lease(s) still held after the {} drain; closing anyway", p.name(), p.inFlight(),
              timeout));
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("draining the pools failed", e.getCause());
      return false;
    }
  }

  /** Closes the pools this registry created (once). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (Map.Entry<String, Pool> entry : pools.entrySet()) {
        if (owned.contains(entry.getKey())) {
          entry.getValue().close();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "HeadroomPools" + pools.keySet();
  }
}
