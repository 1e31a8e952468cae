package dev.headroom.core.route;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.BackendException;
import dev.headroom.core.Endpoint;
import dev.headroom.core.Lease;
import dev.headroom.core.OutlierDetection;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.time.VirtualTime;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** One observation per routed request and one per attempt (issue 15 item 4). */
class RouterObservationTest {
  private final VirtualTime time = new VirtualTime();
  private final TestObservationRegistry registry = TestObservationRegistry.create();
  /** Every observation context when it starts, to read what the assertions of the tck do not cover. */
  private final List<Observation.Context> started = new CopyOnWriteArrayList<>();

  {
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStart(Observation.Context context) {
        started.add(context);
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
  }

  private Pool pool(String name, String... ids) {
    PoolConfig.Builder b = PoolConfig.builder(name).clock(time).noCircuitBreaker()
        .outlierDetection(OutlierDetection.disabled()).initialLatency(Duration.ofMillis(100));
    for (String id : ids) {
      b.endpoint(Endpoint.of(id, URI.create("http://" + id), 1));
    }
    return Pool.create(b.build());
  }

  @Test
  void aRetryOnAnotherEndpointIsTwoAttemptsUnderOneRequest() {
    Router router = Router.builder("chat").tier("local", pool("local", "a", "b"), Duration.ZERO)
        .observationRegistry(registry).build();
    String answer = router.execute(RouteOptions.builder().idempotent(true).build(), lease -> {
      if (started.stream().filter(c -> c.getName().equals(RouteObservation.ATTEMPT)).count() == 1) {
        throw new IOException("connection reset"); // the first attempt fails
      }
      return "ok from " + lease.endpoint().id();
    });
    assertThat(answer).startsWith("ok from");

    assertThat(registry)
        .hasNumberOfObservationsWithNameEqualTo(RouteObservation.REQUEST, 1)
        .hasNumberOfObservationsWithNameEqualTo(RouteObservation.ATTEMPT, 2)
        .hasObservationWithNameEqualTo(RouteObservation.REQUEST).that()
        .hasBeenStarted().hasBeenStopped()
        .hasLowCardinalityKeyValue("headroom.router", "chat")
        .hasLowCardinalityKeyValue("headroom.attempts", "2")
        .hasLowCardinalityKeyValue("headroom.outcome", "success")
        .hasLowCardinalityKeyValue("headroom.spill.reason", "none");
    assertThat(registry).hasAnObservationWithAKeyValue("headroom.outcome", "failed")
        .hasAnObservationWithAKeyValue("headroom.attempt", "1")
        .hasAnObservationWithAKeyValue("headroom.attempt", "2")
        .hasAnObservationWithAKeyValue("headroom.tier", "local");
    Observation.Context failed = started.stream()
        .filter(c -> c.getName().equals(RouteObservation.ATTEMPT))
        .filter(c -> c.getLowCardinalityKeyValue("headroom.outcome") != null
            && "failed".equals(c.getLowCardinalityKeyValue("headroom.outcome").getValue()))
        .findFirst().orElseThrow();
    assertThat(failed.getError()).isInstanceOf(IOException.class);
    assertThat(failed.getParentObservation().getContextView().getName()).isEqualTo(RouteObservation.REQUEST);
  }

  @Test
  void anAttemptStartsWithItsRequestAsTheCurrentObservationEvenInsideAnOuterOne() {
    // Micrometer Tracing prefers the thread's current span to an explicit parent: inside a server request's scope
    // the attempt would otherwise become the server span's child, beside the request's span
    List<String> currentAtAttemptStart = new CopyOnWriteArrayList<>();
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStart(Observation.Context context) {
        if (context.getName().equals(RouteObservation.ATTEMPT)) {
          Observation current = registry.getCurrentObservation();
          currentAtAttemptStart.add(current == null ? "none" : current.getContext().getName());
        }
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
    Router router = Router.builder("chat").tier("local", pool("local", "a"), Duration.ZERO)
        .observationRegistry(registry).build();
    Observation server = Observation.start("http.server.requests", registry);
    try (Observation.Scope scope = server.openScope()) {
      String answer = router.execute(RouteOptions.builder().build(), lease -> "ok");
      assertThat(answer).isEqualTo("ok");
      assertThat(registry.getCurrentObservation()).as("the outer scope is back").isSameAs(server);
    } finally {
      server.stop();
    }
    assertThat(currentAtAttemptStart).containsExactly(RouteObservation.REQUEST);
  }

  @Test
  void aSpillToTheNextTierIsAnEventAndTheRequestsSpillReason() {
    Pool local = pool("local", "a");
    Lease held = local.tryAcquire(dev.headroom.core.Selector.any()).orElseThrow(); // local is full
    Router router = Router.builder("chat").tier("local", local, Duration.ZERO)
        .tier("cloud", pool("cloud", "openai"), Duration.ZERO)
        .observationRegistry(registry).build();
    router.execute(lease -> "answer");
    held.success();

    assertThat(registry).hasNumberOfObservationsWithNameEqualTo(RouteObservation.ATTEMPT, 1)
        .hasObservationWithNameEqualTo(RouteObservation.ATTEMPT).that()
        .hasLowCardinalityKeyValue("headroom.tier", "cloud")
        .hasLowCardinalityKeyValue("headroom.endpoint", "openai")
        .hasLowCardinalityKeyValue("headroom.outcome", "success");
    assertThat(registry).hasObservationWithNameEqualTo(RouteObservation.REQUEST).that()
        .hasLowCardinalityKeyValue("headroom.spill.reason", "saturated")
        .hasLowCardinalityKeyValue("headroom.tier", "cloud");
  }

  @Test
  void aRejectedRequestEndsWithTheErrorOnBothObservationsAndAsyncCallsAreObservedToo() throws Exception {
    Router router = Router.builder("chat").tier("local", pool("local", "a"), Duration.ZERO)
        .observationRegistry(registry).build();
    assertThatThrownBy(() -> router.execute(lease -> {
      throw new BackendException(lease.endpoint().id(), 400, "bad request");
    })).isInstanceOf(BackendException.class);
    CompletableFuture<String> async = router.executeAsync(RouteOptions.defaults(),
        lease -> CompletableFuture.completedFuture("async answer"));
    assertThat(async.get()).isEqualTo("async answer");

    assertThat(registry)
        .hasNumberOfObservationsWithNameEqualTo(RouteObservation.REQUEST, 2)
        .hasAnObservationWithAKeyValue("headroom.outcome", "rejected")
        .hasAnObservationWithAKeyValue("headroom.outcome", "error")
        .hasAnObservationWithAKeyValue("headroom.outcome", "success");
  }

  @Test
  void withoutARegistryNothingIsObserved() {
    Router router = Router.builder("chat").tier("local", pool("local", "a"), Duration.ZERO).build();
    assertThat(router.observations()).isSameAs(ObservationRegistry.NOOP);
    assertThat(new Route(router, RouteOptions.defaults()).observation()).isSameAs(RouteObservation.NOOP);
  }
}
