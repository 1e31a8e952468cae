package dev.headroom.sql;

import dev.headroom.core.Checks;
import dev.headroom.core.discovery.DiscoveredMember;
import dev.headroom.core.discovery.MembershipTarget;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time membership of a {@link ReplicaRoutingDataSource}'s replicas: adds one with the builder's checks (it
 * is probed at once and gets reads once a probe found a standby within the lag limits), drains and resumes them,
 * and removes one: no new reads at once; when its connections have been closed, or the drain timeout has passed,
 * it leaves the pool and its DataSource is closed (a HikariCP pool closes its connections then), and it is
 * forgotten once the last of its connections is closed.
 */
final class ReplicaMembers {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRoutingDataSource.class);

  private final String name;
  private final DataSource primary;
  private final Routing routing;
  private final ReplicaProber prober;
  private final ThreadPoolExecutor probeExecutor;
  private final Object lock = new Object();
  private final Map<String, Removal> removing = new ConcurrentHashMap<>();
  /** DataSources made by a membership view: the data source made them, so it closes them when it closes. */
  private final Set<DataSource> made = ConcurrentHashMap.newKeySet();

  ReplicaMembers(String name, DataSource primary, Routing routing, ReplicaProber prober,
      ThreadPoolExecutor probeExecutor) {
    this.name = name;
    this.primary = primary;
    this.routing = routing;
    this.prober = prober;
    this.probeExecutor = probeExecutor;
  }

  void add(String id, DataSource dataSource, int maxConnections) {
    Checks checks = Checks.in("'" + name + "': replica '" + id + "'");
    checks.nonBlank("id", id);
    Objects.requireNonNull(dataSource, "dataSource of replica " + id);
    if (dataSource == primary) {
      throw Checks.in("'" + name + "'").invalid("replica '" + id + "'", "the primary DataSource",
          "must be a DataSource of a replica, not the primary's");
    }
    checks.atLeast("maxConnections", maxConnections, 1);
    synchronized (lock) {
      if (routing.taken(id)) {
        throw checks.invalid("id", "'" + id + "'", "must be unique (and differ from the primary's id)");
      }
      ReplicaProber.resize(probeExecutor, 1);
      try {
        routing.add(new Replica(name, id, dataSource, maxConnections));
      } catch (RuntimeException e) {
        ReplicaProber.resize(probeExecutor, -1);
        throw e;
      }
    }
    log.info("'{}': added replica '{}'; it gets reads once a probe finds a standby within the lag limits", name, id);
  }

  CompletableFuture<Void> drain(String id) {
    return routing.member(Objects.requireNonNull(id, "id")).isPresent() ? routing.drain(id)
        : CompletableFuture.completedFuture(null);
  }

  void resume(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      if (removing.containsKey(id)) {
        throw new IllegalStateException("'" + name + "': replica '" + id + "' is being removed");
      }
      if (routing.member(id).isEmpty()) {
        throw new IllegalArgumentException("'" + name + "' has no replica '" + id + "'");
      }
      routing.resume(id);
    }
  }

  /**
   * Drains a replica, then (when its connections are closed or {@code timeout} has passed; zero: at once) takes it
   * out of the pool and closes its DataSource. A second call with a zero timeout shortens the wait.
   *
   * @return completes when its DataSource is closed; at once for an unknown id
   */
  CompletableFuture<Void> remove(String id, Duration timeout) {
    Objects.requireNonNull(id, "id");
    Checks.in("'" + name + "'").nonNegative("drainTimeout", timeout);
    Removal removal;
    CompletableFuture<Void> drained = null;
    synchronized (lock) {
      removal = removing.get(id);
      if (removal == null) {
        Optional<Replica> replica = routing.member(id);
        if (replica.isEmpty()) {
          return CompletableFuture.completedFuture(null);
        }
        removal = new Removal(replica.get());
        removing.put(id, removal);
        drained = routing.drain(id);
      }
    }
    if (drained != null) {
      if (!timeout.isZero()) {
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(removal::finish);
      }
      drained.thenRun(removal::finish);
    }
    if (timeout.isZero()) {
      removal.finish();
    }
    return removal.done.thenApply(ignored -> null);
  }

  MembershipTarget target(Function<DiscoveredMember, DataSource> toDataSource, int maxConnections) {
    Objects.requireNonNull(toDataSource, "toDataSource");
    Checks.in("'" + name + "'").atLeast("membership maxConnections", maxConnections, 1);
    return new MembershipTarget() {
      @Override
      public Set<String> memberIds() {
        return routing.replicaIds();
      }

      @Override
      public void add(DiscoveredMember member) {
        if (routing.taken(member.id())) {
          return;
        }
        DataSource dataSource = toDataSource.apply(member);
        made.add(dataSource);
        try {
          ReplicaMembers.this.add(member.id(), dataSource, maxConnections);
        } catch (RuntimeException e) {
          made.remove(dataSource);
          closeQuietly(member.id(), dataSource);
          throw e;
        }
      }

      @Override
      public CompletableFuture<Void> drain(String id) {
        return ReplicaMembers.this.drain(id);
      }

      @Override
      public void resume(String id) {
        if (routing.member(id).isPresent() && !removing.containsKey(id)) {
          ReplicaMembers.this.resume(id);
        }
      }

      @Override
      public void remove(String id) {
        ReplicaMembers.this.remove(id, Duration.ZERO);
      }

      @Override
      public String toString() {
        return "ReplicaRoutingDataSource.membership{" + name + ", " + routing.replicaIds() + '}';
      }
    };
  }

  /** Closes the DataSources a membership view made (when the data source closes). */
  void close() {
    for (DataSource dataSource : Set.copyOf(made)) {
      if (made.remove(dataSource)) {
        closeQuietly("(made by a membership view)", dataSource);
      }
    }
  }

  private void closeQuietly(String id, DataSource dataSource) {
    if (dataSource instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("'{}': closing the DataSource of replica '{}' failed", name, id, e);
      }
    }
  }

  /** One replica being removed; {@link #finish()} runs once, when it drained or its timeout passed. */
  private final class Removal {
    final Replica replica;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean finished = new AtomicBoolean();

    Removal(Replica replica) {
      this.replica = replica;
    }

    void finish() {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      int open = routing.member(replica.id).map(r -> inFlight(r.id)).orElse(0);
      routing.remove(replica); // out of the pool now; forgotten when its last connection is closed
      prober.forget(replica.id);
      made.remove(replica.dataSource);
      closeQuietly(replica.id, replica.dataSource);
      ReplicaProber.resize(probeExecutor, -1);
      removing.remove(replica.id, this);
      if (open > 0) {
        log.warn("'{}': removed replica '{}' and closed its DataSource with {} connections still open", name,
            replica.id, open);
      } else {
        log.info("'{}': removed replica '{}' and closed its DataSource", name, replica.id);
      }
      done.complete(null);
    }

    private int inFlight(String id) {
      return routing.statuses().stream().filter(s -> s.id().equals(id)).mapToInt(ReplicaStatus::inFlight).sum();
    }
  }
}
