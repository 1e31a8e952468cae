package dev.headroom.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.headroom.testkit.llm.FakeOllama;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 6: the meters a seed's dashboards ask for by model: requests and latency tagged with the model
 * asked for (after aliases) and the tier that answered, and the models in memory per node.
 */
class ModelMetersTest {
  private final Fleet fleet = new Fleet();

  @AfterEach
  void close() {
    fleet.close();
  }

  private double requests(String model, String tier, String outcome) {
    Counter c = fleet.registry.find(LlmMetricNames.REQUESTS).tag("model", model).tag("tier", tier)
        .tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void requestsAndLatencyCarryTheModelAndTheTierAndEachNodeCountsItsLoadedModels() {
    FakeOllama gpu = fleet.node(FakeOllama.builder("gpu").loaded("llama3.2", "qwen2.5").model("mistral"));
    LlmRouter llm = fleet.start(fleet.routerBuilder(2).alias("chat", "llama3.2"));
    assertThat(fleet.registry.get(LlmMetricNames.MODELS_LOADED).tag("endpoint", "gpu").gauge().value())
        .isEqualTo(2.0);

    llm.chat(ChatRequest.chat("chat").user("hi").build());
    llm.chat(ChatRequest.chat("llama3.2").user("hi again").build());
    llm.stream(ChatRequest.chat("qwen2.5").user("stream it").build()).forEach(c -> { }).join();
    Throwable timedOut = catchThrowable(() -> llm.chat(ChatRequest.chat("mistral").user("slow")
        .timeout(Duration.ofMillis(1)).build()));
    catchThrowable(() -> llm.chat(ChatRequest.chat("no-such-model").user("?").build()));

    assertThat(requests("llama3.2:latest", "local", "success")).as("the alias counts as its model").isEqualTo(2);
    assertThat(requests("qwen2.5:latest", "local", "success")).isEqualTo(1);
    assertThat(timedOut).isInstanceOf(dev.headroom.core.RequestTimeoutException.class);
    assertThat(requests("mistral:latest", "none", "timeout")).isEqualTo(1);
    assertThat(fleet.registry.find(LlmMetricNames.REQUESTS).tag("model", "no-such-model:latest").counters())
        .as("a model nobody has is not a tag value").isEmpty();
    assertThat(fleet.registry.get(LlmMetricNames.LATENCY).tag("model", "llama3.2:latest").tag("tier", "local")
        .timer().count()).isEqualTo(2);
    assertThat(fleet.registry.get(LlmMetricNames.LATENCY).tag("model", "qwen2.5:latest").timer().count())
        .isEqualTo(1);

    gpu.unload("qwen2.5");
    llm.refreshFleet(Duration.ofSeconds(5));
    await().untilAsserted(() -> assertThat(fleet.registry.get(LlmMetricNames.MODELS_LOADED).tag("endpoint", "gpu")
        .gauge().value()).isEqualTo(1.0));
  }
}
