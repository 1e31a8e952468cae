package dev.headroom.core.route;

import dev.headroom.core.Lease;
import dev.headroom.core.SpillReason;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The Micrometer {@link Observation}s of one routed request: {@value #REQUEST} for the whole request and
 * {@value #ATTEMPT} for each call on an endpoint, its child, so that a trace shows why the request went where it went
 * (each spill is an event on the request). Low-cardinality keys only (router, tier, endpoint, attempt number,
 * outcome, spill reason): they are bounded by the configuration. Without an observation registry every method is a
 * no-op on one shared instance, so the hot path allocates nothing for it.
 */
class RouteObservation {
  /** The name of the request's observation. */
  static final String REQUEST = "headroom.route";
  /** The name of each attempt's observation. */
  static final String ATTEMPT = "headroom.route.attempt";

  static final RouteObservation NOOP = new RouteObservation();

  private RouteObservation() {}

  /** A request's observations on {@code registry}; the shared no-op when there is none. */
  static RouteObservation start(ObservationRegistry registry, String router) {
    return registry.isNoop() ? NOOP : new Live(registry, router);
  }

  /** A call starts on {@code lease}'s endpoint in {@code tier}; {@code number} counts from 1. */
  void attemptStarted(String tier, Lease lease, int number) {}

  /** Makes the current attempt the current observation of this thread (for tracing into the call); close it. */
  Observation.Scope openScope() {
    return Observation.Scope.NOOP;
  }

  /** The current attempt ended: {@code outcome} is {@code success}, or its failure kind, with the error. */
  void attemptEnded(String outcome, Throwable error) {}

  /** The request left {@code tier} for {@code reason}. */
  void spilled(String tier, SpillReason reason) {}

  /** The request ended, with an answer ({@code error} null) or not. */
  void ended(Throwable error) {}

  /** The observations of a request on a real registry. */
  private static final class Live extends RouteObservation {
    private final ObservationRegistry registry;
    private final String router;
    private final Observation request;
    private Observation attempt;
    private String lastSpill = "none";
    private String tier = "none";
    private String endpoint = "none";
    private int attempts;

    Live(ObservationRegistry registry, String router) {
      this.registry = registry;
      this.router = router;
      this.request = Observation.createNotStarted(REQUEST, registry)
          .contextualName("route " + router)
          .lowCardinalityKeyValue("headroom.router", router)
          .start();
    }

    @Override
    void attemptStarted(String tier, Lease lease, int number) {
      this.tier = tier;
      this.endpoint = lease.endpoint().id();
      this.attempts = number;
      // started with the request as the thread's current observation: Micrometer Tracing takes the current span over
      // an explicit parent, so without this scope the attempt's span would be a sibling of the request's (both
      // children of, say, the server span) instead of its child
      try (Observation.Scope scope = request.openScope()) {
        attempt = Observation.createNotStarted(ATTEMPT, registry)
            .contextualName("attempt " + number + " on " + endpoint)
            .parentObservation(request)
            .lowCardinalityKeyValue("headroom.router", router)
            .lowCardinalityKeyValue("headroom.tier", tier)
            .lowCardinalityKeyValue("headroom.endpoint", endpoint)
            .lowCardinalityKeyValue("headroom.attempt", Integer.toString(number))
            .start();
      }
    }

    @Override
    Observation.Scope openScope() {
      return attempt == null ? Observation.Scope.NOOP : attempt.openScope();
    }

    @Override
    void attemptEnded(String outcome, Throwable error) {
      Observation current = attempt;
      if (current == null) {
        return;
      }
      attempt = null;
      current.lowCardinalityKeyValue("headroom.outcome", outcome);
      if (error != null) {
        current.error(error);
      }
      current.stop();
    }

    @Override
    void spilled(String from, SpillReason reason) {
      lastSpill = reason.name().toLowerCase(java.util.Locale.ROOT);
      request.event(Observation.Event.of("headroom.spill", "left tier " + from + ": " + lastSpill));
    }

    @Override
    void ended(Throwable error) {
      attemptEnded(error == null ? "success" : "abandoned", error); // an attempt the deadline cut short
      request.lowCardinalityKeyValue("headroom.tier", tier)
          .lowCardinalityKeyValue("headroom.endpoint", endpoint)
          .lowCardinalityKeyValue("headroom.attempts", Integer.toString(attempts))
          .lowCardinalityKeyValue("headroom.spill.reason", lastSpill)
          .lowCardinalityKeyValue("headroom.outcome", error == null ? "success" : "error");
      if (error != null) {
        request.error(error);
      }
      request.stop();
    }
  }
}
