package dev.headroom.examples.spring;

import dev.headroom.testkit.FakeBackend;
import dev.headroom.testkit.LatencyModel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded stand-ins of the {@code fakes} profile: two "Ollama nodes" that serve 2 requests at once each, with
 * a log-normal service time, and a "cloud API" that serves 16. Their URLs go into the environment as
 * {@code fakes.<name>}, which {@code application.yml} uses ahead of the real URLs.
 */
final class FakeBackends implements AutoCloseable {
  private final List<FakeBackend> backends;

  private FakeBackends(List<FakeBackend> backends) {
    this.backends = backends;
  }

  static FakeBackends start() {
    LatencyModel local = LatencyModel.lognormal(Duration.ofMillis(40), 0.4);
    return new FakeBackends(List.of(
        FakeBackend.builder("ollama-1").slots(2).latency(local).seed(1).start(),
        FakeBackend.builder("ollama-2").slots(2).latency(local).seed(2).start(),
        FakeBackend.builder("cloud").slots(16).latency(LatencyModel.fixed(Duration.ofMillis(80))).start()));
  }

  /** {@code fakes.<name>} → {@code http://127.0.0.1:<port>}. */
  Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    backends.forEach(b -> properties.put("fakes." + b.name(), b.uri().toString()));
    return properties;
  }

  List<FakeBackend> all() {
    return backends;
  }

  @Override
  public void close() {
    backends.forEach(FakeBackend::close);
  }
}
