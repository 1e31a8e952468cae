package dev.headroom.llm;

import dev.headroom.core.Outcome;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fake Ollama nodes, an optional fake cloud, and a router over them, all closed together. */
final class Fleet implements AutoCloseable {
  static final String MODEL = "llama3.2";
  static final String CLOUD_MODEL = "gpt-4o-mini";

  final List<FakeOllama> nodes = new ArrayList<>();
  final List<FakeOllama> others = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  FakeOpenAi cloud;
  LlmRouter router;

  FakeOllama node(FakeOllama.Builder builder) {
    FakeOllama node = builder.start();
    nodes.add(node);
    return node;
  }

  /** A node that is not added to the local pool by {@link #routerBuilder} (for a second pool). */
  FakeOllama other(FakeOllama.Builder builder) {
    FakeOllama node = builder.start();
    others.add(node);
    return node;
  }

  FakeOpenAi cloud(FakeOpenAi.Builder builder) {
    cloud = builder.start();
    return cloud;
  }

  /** A router builder over the nodes (parallel slots as given) with fast polls and no active probes. */
  LlmRouter.Builder routerBuilder(int numParallel) {
    LlmRouter.Builder b = LlmRouter.builder()
        .meterRegistry(registry)
        .pollInterval(Duration.ofMillis(200))
        .noHealthCheck()
        .firstTokenTimeout(Duration.ofSeconds(10))
        .idleTimeout(Duration.ofSeconds(10))
        .requestTimeout(Duration.ofSeconds(30));
    for (FakeOllama node : nodes) {
      b.node(OllamaNode.of(node.name(), node.uri(), numParallel));
    }
    return b;
  }

  static CloudConfig.Builder cloudConfig(FakeOpenAi cloud) {
    return CloudConfig.builder(cloud.uri()).model(MODEL, CLOUD_MODEL);
  }

  LlmRouter start(LlmRouter.Builder builder) {
    router = builder.build();
    return router;
  }

  /** Completed leases of an endpoint with this outcome (core's {@code headroom.requests}). */
  double outcomes(String endpoint, Outcome outcome) {
    return outcomes(registry, endpoint, outcome);
  }

  /** Completed leases of an endpoint with this outcome in {@code registry} (core's {@code headroom.requests}). */
  static double outcomes(MeterRegistry registry, String endpoint, Outcome outcome) {
    Counter c = registry.find("headroom.requests").tag("endpoint", endpoint).tag("outcome", outcome.tag())
        .counter();
    return c == null ? 0 : c.count();
  }

  double spillover(String from, String to, String reason) {
    Counter c = registry.find("headroom.spillover").tag("from", from).tag("to", to).tag("reason", reason)
        .counter();
    return c == null ? 0 : c.count();
  }

  static ChatRequest ask(String text) {
    return ChatRequest.chat(MODEL).user(text).build();
  }

  static URI unused() {
    return URI.create("http://127.0.0.1:9");
  }

  @Override
  public void close() {
    if (router != null) {
      router.close();
    }
    nodes.forEach(FakeOllama::close);
    others.forEach(FakeOllama::close);
    if (cloud != null) {
      cloud.close();
    }
  }
}
