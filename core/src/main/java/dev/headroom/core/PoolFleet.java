package dev.headroom.core;

import dev.headroom.core.fleet.EndpointReport;
import dev.headroom.core.fleet.FleetView;
import dev.headroom.core.fleet.PoolLink;
import dev.headroom.core.fleet.PoolMember;
import dev.headroom.core.time.Scheduler;
import dev.headroom.core.time.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool's side of its fleet coordinator, when it has one other than the local default: reports the pool's
 * in-flight, takes the fleet's view into each endpoint's numbers, and with strict caps takes and gives back global
 * permits. Built only for a shared coordinator, so a pool alone pays nothing.
 *
 * <p>An endpoint's limit on this replica is {@code max(ceil(limit / live), limit - othersInFlight)}: the others'
 * load counts, and each replica keeps its fair share, so none starves while another holds every slot. The view is
 * up to one publish interval old, so without strict caps this is a heuristic, not a cap (replicas that see the same
 * free slot may all take it). With strict caps the global permit is the cap; the view's limit only spares a permit
 * round trip to a node the view already shows full. Each endpoint's latency estimate decays towards the fleet's
 * mean. Why each rule: docs/architecture.md, "Core: fleet coordination".
 */
final class PoolFleet implements PoolMember {
  /** How soon waiters try again for permits another replica may have freed (the fleet sends no event for it). */
  static final long PERMIT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /**
   * How long a replica holding more than its fair share of an endpoint's permits leaves a freed one alone, so that
   * another replica's retry can take it: without it the replica that frees a permit takes it straight back for its
   * own waiters (its release and its next acquire go down one connection in order) and the others starve.
   */
  static final long YIELD_NANOS = 2 * PERMIT_RETRY_NANOS;

  private final Membership members;
  private final Runnable dispatch;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final boolean strict;
  private final AtomicBoolean retryPending = new AtomicBoolean();
  private final PoolLink link;
  private volatile int liveReplicas = 1;

  PoolFleet(PoolConfig config, Membership members, Runnable dispatch) {
    this.members = members;
    this.dispatch = dispatch;
    this.scheduler = config.scheduler();
    this.ticker = config.ticker();
    this.strict = config.strictCaps();
    this.link = config.coordinator().join(config.name(), this);
  }

  /** With strict caps: takes a global permit for a lease on {@code state}, or marks it full and retries soon. */
  boolean permit(EndpointState state) {
    if (!strict) {
      return true;
    }
    if (link.tryAcquire(state.id(), state.limit())) {
      return true;
    }
    state.fleetFull(true);
    retrySoon();
    return false;
  }

  /**
   * A lease on {@code state} ended: with strict caps, gives its permit back, and when this replica held more than
   * its fair share of them ({@code ceil(limit / live)}), leaves the endpoint alone for {@link #YIELD_NANOS}.
   */
  void released(EndpointState state) {
    if (!strict) {
      return;
    }
    int live = liveReplicas;
    boolean overShare = live > 1 && link.held(state.id()) > Math.floorDiv(state.limit() + live - 1, live);
    link.release(state.id());
    if (overShare) {
      state.fleetFull(true);
      scheduler.schedule(YIELD_NANOS, () -> {
        state.fleetFull(false);
        dispatch.run();
      });
    } else {
      state.fleetFull(false);
    }
  }

  @Override
  public List<EndpointReport> report() {
    List<EndpointReport> reports = new ArrayList<>();
    long now = ticker.read();
    for (EndpointState state : members.all()) {
      reports.add(new EndpointReport(state.id(), state.inFlight(), state.meanLatencyNanos(now) / 1e6));
    }
    return reports;
  }

  @Override
  public void onView(FleetView view) {
    int live = view.liveReplicas();
    liveReplicas = live;
    for (EndpointState state : members.all()) {
      int limit = state.limit();
      int others = view.inFlight(state.id());
      int here = Math.max(Math.floorDiv(limit + live - 1, live), limit - others);
      state.fleet(others, here);
      Double millis = view.meanLatencyMillis().get(state.id());
      state.fleetLatency(millis == null ? 0 : millis * 1e6);
      state.fleetFull(false);
    }
    dispatch.run();
  }

  private void retrySoon() {
    if (retryPending.compareAndSet(false, true)) {
      scheduler.schedule(PERMIT_RETRY_NANOS, () -> {
        retryPending.set(false);
        for (EndpointState state : members.all()) {
          state.fleetFull(false);
        }
        dispatch.run();
      });
    }
  }

  void close() {
    link.close();
  }
}
