package dev.headroom.npu;

import dev.headroom.core.Checks;
import dev.headroom.core.Endpoint;
import dev.headroom.core.EndpointState;
import dev.headroom.core.Pool;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time membership of an {@link EmbeddingPool}'s local backends and workers: adds one to the local core pool
 * and the local lane (growing the pool's own executor by its slots), drains and resumes them, and removes one: no
 * new batches at once, and once its running batches have ended it leaves the lane and is closed (never while a batch
 * runs on it: closing a device in the middle of an inference is not safe; a remote worker's call is bounded by its
 * own timeout). Validates like the builder: the pool's dimension, a tokenizer for a local model, a unique id.
 */
final class EmbeddingMembers {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingPool.class);

  private final String name;
  private final String subject;
  private final Pool pool;
  private final Map<String, EmbeddingBackend> lane;
  private final List<EmbeddingBackend> locals;
  private final EmbeddingBackend cloud;
  /** The pool's dimension; 0 until the first backend of a pool started empty without a cloud sets it. */
  private int dimensions;
  private final boolean tokenizer;
  private final ThreadPoolExecutor owned;
  private final Runnable changed;
  private final Object lock = new Object();
  private final Map<String, CompletableFuture<Void>> removing = new ConcurrentHashMap<>();

  /**
   * @param pool the local core pool, null when the pool was built with a cloud only
   * @param lane the local lane's backends by id (concurrent), shared with the batcher
   * @param locals the local backends, shared with the pool (closed by whoever removes one from it)
   * @param owned the pool's own executor, resized with the slots; null when the application gave one
   * @param changed run after a change: recounts the capacity and lets the batcher dispatch
   */
  EmbeddingMembers(String name, Pool pool, Map<String, EmbeddingBackend> lane, List<EmbeddingBackend> locals,
      EmbeddingBackend cloud, int dimensions, boolean tokenizer, ThreadPoolExecutor owned, Runnable changed) {
    this.name = name;
    this.subject = "embedding pool '" + name + "'";
    this.pool = pool;
    this.lane = lane;
    this.locals = locals;
    this.cloud = cloud;
    this.dimensions = dimensions;
    this.tokenizer = tokenizer;
    this.owned = owned;
    this.changed = changed;
  }

  /** The core pool endpoint of a local backend. */
  static Endpoint endpoint(EmbeddingBackend backend) {
    Endpoint.Builder endpoint = Endpoint.builder(backend.id())
        .uri(URI.create("embedding:" + backend.id().replaceAll("[^A-Za-z0-9._-]", "_")))
        .maxConcurrency(backend.maxConcurrency());
    backend.labels().forEach(endpoint::label);
    return endpoint.build();
  }

  void add(EmbeddingBackend backend) {
    Objects.requireNonNull(backend, "backend");
    String id = backend.id();
    Checks checks = Checks.in(subject + ", backend '" + id + "'");
    if (backend.needsTokens() && !tokenizer) {
      throw Checks.in(subject).invalid("tokenizer", "none", "must be set: backend '" + id + "' runs a local model");
    }
    synchronized (lock) {
      if (pool == null) {
        throw new IllegalStateException(subject + " was built without local backends, so it has no local tier to add '"
            + id + "' to; build it with at least one, or with startEmpty()");
      }
      if (dimensions == 0) {
        dimensions = backend.dimensions(); // the first backend of a pool started empty sets the pool's dimension
      } else if (backend.dimensions() != dimensions) {
        throw checks.invalid("dimensions", backend.dimensions(),
            "must equal the other backends' " + dimensions + " (vectors of different models cannot be mixed)");
      }
      if (lane.containsKey(id) || (cloud != null && cloud.id().equals(id))) {
        throw checks.invalid("id", "'" + id + "'", "must be unique");
      }
      lane.put(id, backend);
      locals.add(backend);
      resize(backend.maxConcurrency());
      try {
        pool.add(endpoint(backend));
      } catch (RuntimeException e) {
        lane.remove(id, backend);
        locals.remove(backend);
        resize(-backend.maxConcurrency());
        throw e;
      }
    }
    log.info("embedding pool '{}': added backend '{}' ({} slots)", name, id, backend.maxConcurrency());
    changed.run();
  }

  CompletableFuture<Void> drain(String id) {
    Objects.requireNonNull(id, "id");
    return pool == null ? CompletableFuture.completedFuture(null) : pool.drainIfMember(id);
  }

  void resume(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      if (removing.containsKey(id)) {
        throw new IllegalStateException(subject + ": backend '" + id + "' is being removed");
      }
      if (pool == null || pool.endpoint(id).isEmpty()) {
        throw new IllegalArgumentException(subject + " has no local backend '" + id + "'");
      }
      pool.resume(id);
    }
    changed.run();
  }

  /** Removes a backend: no new batches; closed once its running ones ended. Unknown ids complete at once. */
  CompletableFuture<Void> remove(String id) {
    Objects.requireNonNull(id, "id");
    CompletableFuture<Void> done;
    Optional<CompletableFuture<Void>> leasesEnded;
    EmbeddingBackend backend;
    synchronized (lock) {
      CompletableFuture<Void> pending = removing.get(id);
      if (pending != null) {
        return pending.thenApply(ignored -> null);
      }
      backend = lane.get(id);
      if (pool == null || backend == null) {
        return CompletableFuture.completedFuture(null);
      }
      leasesEnded = pool.remove(id);
      done = new CompletableFuture<>();
      removing.put(id, done);
    }
    log.info("embedding pool '{}': removing backend '{}'", name, id);
    changed.run(); // texts queued for nowhere else learn it now
    leasesEnded.orElse(CompletableFuture.completedFuture(null)).whenComplete((ok, e) -> closeRemoved(backend, done));
    return done.thenApply(ignored -> null);
  }

  private void closeRemoved(EmbeddingBackend backend, CompletableFuture<Void> done) {
    synchronized (lock) {
      lane.remove(backend.id(), backend);
      resize(-backend.maxConcurrency());
    }
    close(backend);
    removing.remove(backend.id(), done);
    changed.run();
    done.complete(null);
  }

  /** Closes a local backend unless it has been closed already. */
  void close(EmbeddingBackend backend) {
    if (locals.remove(backend)) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        log.warn("embedding pool '{}': closing backend {} failed", name, backend.id(), e);
      }
    }
  }

  private void resize(int slots) {
    if (owned == null || slots == 0) {
      return;
    }
    int size = Math.max(1, owned.getMaximumPoolSize() + slots);
    if (slots > 0) {
      owned.setMaximumPoolSize(size);
      owned.setCorePoolSize(size);
    } else {
      owned.setCorePoolSize(size);
      owned.setMaximumPoolSize(size);
    }
  }

  Set<String> ids() {
    Set<String> ids = new LinkedHashSet<>();
    if (pool != null) {
      for (EndpointState state : pool.endpoints()) {
        ids.add(state.id());
      }
    }
    return ids;
  }

  MembershipTarget target(Function<DiscoveredMember, EmbeddingBackend> toBackend) {
    return new Target(Objects.requireNonNull(toBackend, "toBackend"));
  }

  /** The {@link MembershipTarget} view of the local tier. */
  private final class Target implements MembershipTarget {
    private final Function<DiscoveredMember, EmbeddingBackend> toBackend;

    Target(Function<DiscoveredMember, EmbeddingBackend> toBackend) {
      this.toBackend = toBackend;
    }

    @Override
    public Set<String> memberIds() {
      return ids();
    }

    @Override
    public void add(DiscoveredMember member) {
      if (lane.containsKey(member.id())) {
        return; // a member, or one being removed that has not closed yet
      }
      EmbeddingBackend backend = toBackend.apply(member);
      if (!backend.id().equals(member.id())) {
        backend.close();
        throw Checks.in(subject).invalid("membership backend id", backend.id(),
            "must be the discovered member's id '" + member.id() + "'");
      }
      try {
        EmbeddingMembers.this.add(backend);
      } catch (RuntimeException e) {
        backend.close();
        throw e;
      }
    }

    @Override
    public CompletableFuture<Void> drain(String id) {
      return EmbeddingMembers.this.drain(id);
    }

    @Override
    public void resume(String id) {
      if (pool != null && pool.endpoint(id).isPresent() && !removing.containsKey(id)) {
        EmbeddingMembers.this.resume(id);
      }
    }

    @Override
    public void remove(String id) {
      EmbeddingMembers.this.remove(id);
    }

    @Override
    public String toString() {
      return "EmbeddingPool.membership{" + name + ", " + ids() + '}';
    }
  }
}
