package dev.headroom.core.discovery;

import dev.headroom.core.Checks;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Pool;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A core {@link Pool} as a {@link MembershipTarget}: a discovered member becomes an {@link Endpoint} of the pool
 * with the member's id, URI and labels and the concurrency limit (and weight) the caller gives. Adding goes through
 * {@link Pool#add}, so a new member waits for its first health probe and warms up when the pool has a health check
 * and a slow start.
 *
 * <pre>{@code
 * MembershipSync.builder(source, PoolMembership.of(pool, 4)).start();        // 4 slots per member
 * MembershipSync.builder(source, PoolMembership.of(pool, member ->           // or from the member's labels
 *     Endpoint.builder(member.id()).uri(member.uri()).labels(member.labels())
 *         .maxConcurrency(member.labels().containsKey("gpu") ? 8 : 2).build())).start();
 * }</pre>
 */
public final class PoolMembership implements MembershipTarget {
  private final Pool pool;
  private final Function<DiscoveredMember, Endpoint> endpoints;

  private PoolMembership(Pool pool, Function<DiscoveredMember, Endpoint> endpoints) {
    this.pool = pool;
    this.endpoints = endpoints;
  }

  /** Members as endpoints of weight 1 with {@code maxConcurrency} slots each, and the member's id, URI and labels. */
  public static PoolMembership of(Pool pool, int maxConcurrency) {
    Objects.requireNonNull(pool, "pool");
    Checks.in("pool '" + pool.name() + "'").atLeast("membership maxConcurrency", maxConcurrency, 1);
    return new PoolMembership(pool, member -> Endpoint.builder(member.id()).uri(member.uri())
        .labels(member.labels()).maxConcurrency(maxConcurrency).build());
  }

  /** Members as the endpoints {@code endpoints} makes of them; an endpoint must keep its member's id. */
  public static PoolMembership of(Pool pool, Function<DiscoveredMember, Endpoint> endpoints) {
    return new PoolMembership(Objects.requireNonNull(pool, "pool"), Objects.requireNonNull(endpoints, "endpoints"));
  }

  /** The pool it changes. */
  public Pool pool() {
    return pool;
  }

  @Override
  public Set<String> memberIds() {
    Set<String> ids = new LinkedHashSet<>();
    for (EndpointState state : pool.endpoints()) {
      ids.add(state.id());
    }
    return Collections.unmodifiableSet(ids);
  }

  /**
   * Adds the member's endpoint unless the pool has one with its id.
   *
   * @throws IllegalArgumentException when the endpoint made of it has another id
   */
  @Override
  public void add(DiscoveredMember member) {
    if (pool.endpoint(member.id()).isPresent()) {
      return;
    }
    Endpoint endpoint = endpoints.apply(member);
    if (!endpoint.id().equals(member.id())) {
      throw new IllegalArgumentException("pool '" + pool.name() + "': the endpoint made of member '" + member.id()
          + "' must have its id, not '" + endpoint.id() + "'");
    }
    pool.add(endpoint);
  }

  @Override
  public CompletableFuture<Void> drain(String id) {
    return pool.drainIfMember(id);
  }

  @Override
  public void resume(String id) {
    if (pool.endpoint(id).isPresent()) {
      pool.resume(id);
    }
  }

  /** Removes the endpoint; leases it holds still complete normally. */
  @Override
  public void remove(String id) {
    pool.remove(id);
  }

  @Override
  public String toString() {
    return "PoolMembership{" + pool.name() + '}';
  }
}
