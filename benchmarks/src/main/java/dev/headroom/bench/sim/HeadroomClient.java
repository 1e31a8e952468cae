package dev.headroom.bench.sim;

import dev.headroom.core.Endpoint;
import dev.headroom.core.HealthCheck;
import dev.headroom.core.Pool;
import dev.headroom.core.PoolConfig;
import dev.headroom.core.pick.CostFunction;
import dev.headroom.core.pick.Pickers;
import dev.headroom.core.pick.RandomSource;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Headroom as a user would configure it, driving the real core on the run's virtual time: a {@link Pool} per tier
 * with the default picker (power of two choices on the expected-delay cost, seeded; or, for comparison, on
 * Finagle's peak-EWMA cost), default outlier ejection and circuit
 * breakers, an active probe on the local backends, each endpoint's concurrency limit set to the backend's slots,
 * and a {@link Router} with the default retry budget and attempt limit calling through
 * {@link Router#executeAsync}. Requests that find no free slot wait in the pool's FIFO queue (while the predicted
 * wait fits the tier's budget) instead of piling up in a backend's queue.
 */
final class HeadroomClient extends Client {
  private final Router router;
  private final Map<String, SimBackend> byId = new HashMap<>();
  private final RouteOptions options;

  private final CostFunction cost;

  HeadroomClient(SimContext context, CostFunction cost) {
    super(context);
    this.cost = cost;
    Scenario scenario = context.scenario();
    Pool local = pool("local", context.locals(), 1, true);
    Router.Builder builder = Router.builder("sim").tier("local", local, scenario.localWaitBudget());
    if (context.cloud() != null) {
      builder.tier("cloud", pool("cloud", List.of(context.cloud()), 3, false), Duration.ZERO);
    }
    this.router = builder.build();
    this.options = RouteOptions.builder().timeout(scenario.timeout()).idempotent(scenario.idempotent()).build();
  }

  private Pool pool(String name, List<SimBackend> backends, int salt, boolean probe) {
    PoolConfig.Builder config = PoolConfig.builder(name)
        .clock(context.time())
        .picker(Pickers.powerOfTwoChoices(cost, RandomSource.seeded(context.seed(salt))))
        .random(RandomSource.seeded(context.seed(salt + 1)));
    for (SimBackend backend : backends) {
      byId.put(backend.id(), backend);
      config.endpoint(Endpoint.of(backend.id(), URI.create("sim://" + backend.id()), backend.spec.slots()));
    }
    if (probe) {
      // GET /api/version: an Ollama answers it however busy it is, so only a dead one fails
      config.healthCheck(HealthCheck.builder(endpoint -> byId.get(endpoint.id()).isUp()
          ? CompletableFuture.completedFuture(true)
          : CompletableFuture.failedFuture(new ConnectException("refused"))).build());
    }
    return Pool.create(config.build());
  }

  @Override
  void send(SimRequest request) {
    armTimeout(request);
    router.executeAsync(options, lease -> {
      SimBackend backend = byId.get(lease.endpoint().id());
      if (backend == context.cloud()) {
        request.spilled = true;
      }
      Job job = backend.call(request, request.calls++);
      request.current = job;
      return job.future.thenApply(ignored -> {
        servedBy(request, job);
        return job;
      });
    }).whenComplete((job, error) -> finish(request, error == null));
  }
}
