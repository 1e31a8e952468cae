package dev.headroom.examples.routing;

import dev.headroom.testkit.FakeBackend;
import dev.headroom.testkit.LatencyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's backends on loopback: four local inference servers with 4 slots each (one three times slower) and a
 * "cloud" with plenty of slots but a higher fixed latency.
 */
final class Fleet implements AutoCloseable {
  static final Duration FAST_MEAN = Duration.ofMillis(20);
  static final int SLOTS = 4;

  final List<FakeBackend> local = new ArrayList<>();
  final FakeBackend cloud;

  Fleet() {
    String[] names = {"local-a", "local-b", "local-c", "slow-d"};
    for (int i = 0; i < names.length; i++) {
      LatencyModel model = LatencyModel.lognormal(FAST_MEAN, 0.4);
      local.add(FakeBackend.builder(names[i]).slots(SLOTS).queueLimit(256).seed(i + 1)
          .latency(names[i].startsWith("slow") ? model.times(3) : model).start());
    }
    cloud = FakeBackend.builder("cloud").slots(256).queueLimit(256).seed(99)
        .latency(LatencyModel.lognormal(Duration.ofMillis(120), 0.2)).start();
  }

  /** The backend killed halfway through each run. */
  FakeBackend victim() {
    return local.get(1);
  }

  /** Brings every backend back to its starting state between runs. */
  void reset() {
    for (FakeBackend backend : local) {
      backend.restart();
      backend.unhealthy(false);
    }
  }

  @Override
  public void close() {
    local.forEach(FakeBackend::close);
    cloud.close();
  }
}
