package dev.headroom.bench.chaos;

import dev.headroom.llm.ChatRequest;
import dev.headroom.llm.ChatResponse;
import dev.headroom.llm.CloudConfig;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.OllamaNode;
import dev.headroom.testkit.hostile.HostileServer;
import dev.headroom.testkit.hostile.Misbehaviour;
import dev.headroom.testkit.llm.FakeOllama;
import dev.headroom.testkit.llm.FakeOpenAi;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An {@link LlmRouter} over two fake Ollama nodes, one hostile node (it lists the model like a real node, then
 * misbehaves on {@code /api/chat} as the schedule says) and a fake OpenAI-compatible cloud; one fake node is killed
 * and restarted. Half the requests are streamed.
 */
final class LlmTarget implements SoakTarget {
  private static final String MODEL = "llama3.2";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final List<FakeOllama> nodes = new ArrayList<>();
  private final HostileServer hostile;
  private final FakeOpenAi cloud;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LlmRouter router;
  private final Misbehaviour goodChat;

  LlmTarget() throws Exception {
    for (int i = 1; i <= 2; i++) {
      nodes.add(FakeOllama.builder("gpu-" + i).loaded(MODEL).parallel(2).tokensPerSecond(200).answerTokens(20)
          .start());
    }
    // the hostile node answers the fleet's polls exactly as a real node with the model loaded does
    FakeOllama template = nodes.get(0);
    HttpClient http = HttpClient.newHttpClient();
    goodChat = Misbehaviour.answer(200, "application/json", fetch(http, template.uri(), "/api/chat",
        "{\"model\":\"" + MODEL + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    hostile = HostileServer.start(goodChat);
    for (String path : List.of("/api/tags", "/api/ps", "/api/version")) {
      hostile.on(path, Misbehaviour.answer(200, "application/json", fetch(http, template.uri(), path, null)));
    }
    cloud = FakeOpenAi.builder("cloud").apiKey("sk-soak").start();
    LlmRouter.Builder b = LlmRouter.builder()
        .cloud(CloudConfig.builder(cloud.uri()).apiKey("sk-soak").model(MODEL, "gpt-4o-mini").build())
        .localWaitBudget(Duration.ofMillis(300))
        .pollInterval(Duration.ofSeconds(1))
        .meterRegistry(registry);
    nodes.forEach(n -> b.node(OllamaNode.of(n.name(), n.uri(), 2)));
    b.node(OllamaNode.of("hostile", hostile.uri(), 2));
    router = b.build();
  }

  private static String fetch(HttpClient http, URI base, String path, String postBody) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    if (postBody != null) {
      request.POST(HttpRequest.BodyPublishers.ofString(postBody)).header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Override
  public String name() {
    return "llm-router";
  }

  @Override
  public Duration timeout() {
    return TIMEOUT;
  }

  @Override
  public int clients() {
    return 8;
  }

  @Override
  public void request(int client, long seq) throws Exception {
    ChatRequest request = ChatRequest.chat(MODEL).user("question " + client + "-" + seq).timeout(TIMEOUT).build();
    ChatResponse reply;
    if (seq % 2 == 0) {
      reply = router.chat(request);
    } else {
      // the soak's own bound far above the request timeout, so that a broken deadline shows as an overrun
      reply = router.stream(request).forEach(chunk -> { }).get(TIMEOUT.toMillis() * 10, TimeUnit.MILLISECONDS);
    }
    if (reply.text() == null || reply.text().isBlank()) {
      throw new IllegalStateException("empty answer from " + reply.endpoint());
    }
  }

  @Override
  public List<Fault> faults() {
    String good = "{\"model\":\"" + MODEL + "\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}";
    Map<String, Misbehaviour> modes = new LinkedHashMap<>();
    modes.put("never answers", Misbehaviour.neverAnswer());
    modes.put("drips 2 B/s", Misbehaviour.drip(good + "\n", 2, "application/x-ndjson"));
    modes.put("a token every 500 ms, forever", Misbehaviour.lines(Duration.ofMillis(500), Integer.MAX_VALUE, good));
    modes.put("NDJSON to a plain request", Misbehaviour.ndjson(good, "{\"error\":\"model crashed\"}"));
    modes.put("HTML 200", Misbehaviour.html200());
    modes.put("503 Retry-After 2", Misbehaviour.busy(503, Duration.ofSeconds(2)));
    List<Fault> faults = new ArrayList<>();
    modes.forEach((what, mode) -> faults.add(new Fault("hostile node: " + what,
        () -> hostile.on("/api/chat", mode), () -> hostile.on("/api/chat", goodChat))));
    faults.add(new Fault("gpu-1 killed", nodes.get(0)::kill, nodes.get(0)::restart));
    return faults;
  }

  @Override
  public Map<String, Long> leftovers() {
    Map<String, Long> left = new LinkedHashMap<>();
    left.put("leases held", Replies.inFlight(registry));
    left.put("hostile connections open", (long) hostile.openConnections());
    return left;
  }

  @Override
  public void close() {
    router.close();
    nodes.forEach(FakeOllama::close);
    hostile.close();
    cloud.close();
  }
}
