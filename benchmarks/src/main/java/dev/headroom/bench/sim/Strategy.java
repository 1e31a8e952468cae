package dev.headroom.bench.sim;

import dev.headroom.core.pick.CostFunction;

/**
 * Every strategy of the comparison, in report order. "Headroom" is the default configuration; "Headroom, peak-EWMA
 * cost" is the same with Finagle's cost function instead of the default, to show what that choice is worth.
 */
enum Strategy {
  ROUND_ROBIN("round robin") {
    @Override
    Client create(SimContext context) {
      return new DirectClient(context, inFlight -> new Baselines.RoundRobin(inFlight.length));
    }
  },
  RANDOM("random") {
    @Override
    Client create(SimContext context) {
      return new DirectClient(context, inFlight -> new Baselines.Random(inFlight.length, context.seed(11)));
    }
  },
  LEAST_IN_FLIGHT("least in-flight") {
    @Override
    Client create(SimContext context) {
      return new DirectClient(context, inFlight -> new Baselines.LeastInFlight(inFlight, context.seed(12)));
    }
  },
  NGINX_LEAST_CONN("nginx least_conn") {
    @Override
    Client create(SimContext context) {
      return new DirectClient(context, Baselines.NginxLeastConn::new);
    }
  },
  FIRST_HEALTHY("first healthy (seed 000)") {
    @Override
    Client create(SimContext context) {
      return new DirectClient(context, inFlight -> new Baselines.FirstHealthy(context));
    }
  },
  HEADROOM("**Headroom**") {
    @Override
    Client create(SimContext context) {
      return new HeadroomClient(context, CostFunction.expectedDelay());
    }
  },
  HEADROOM_PEAK_EWMA("Headroom, peak-EWMA cost") {
    @Override
    Client create(SimContext context) {
      return new HeadroomClient(context, CostFunction.peakEwma());
    }
  },
  ORACLE("JSED oracle") {
    @Override
    Client create(SimContext context) {
      return new DirectClient(context, inFlight -> new Baselines.Oracle(context));
    }
  };

  private final String label;

  Strategy(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  abstract Client create(SimContext context);
}
