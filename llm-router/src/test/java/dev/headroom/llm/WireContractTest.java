package dev.headroom.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.headroom.core.BackendException;
import dev.headroom.core.Endpoint;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exact request and reply shapes of both clients, against WireMock stubs taken from the APIs' documentation. */
class WireContractTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final WireMockServer server = new WireMockServer(options().dynamicPort());
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Endpoint endpoint;
  private WireOllama ollama;

  @BeforeEach
  void start() {
    server.start();
    endpoint = Endpoint.builder("wm").uri(server.baseUrl()).maxConcurrency(4).build();
    ollama = new WireOllama(new WireExchange(http, 1 << 20, 1 << 16, t -> t),
        dev.headroom.core.time.Scheduler.system());
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private WireOpenAi openAi(String key) {
    Secret secret = new Secret(key);
    return new WireOpenAi(new WireExchange(http, 1 << 20, 1 << 16, secret::redact), Optional.of(secret));
  }

  private static List<Delta> drain(WireStream stream) throws Exception {
    List<Delta> deltas = new ArrayList<>();
    Delta d;
    while ((d = stream.next()) != null) {
      deltas.add(d);
      if (d.done()) {
        break;
      }
    }
    return deltas;
  }

  @Test
  void ollamaChatSendsTheDocumentedBodyAndReadsTheFinalStatistics() throws Exception {
    server.stubFor(post(urlEqualTo("/api/chat"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("""
            {"model":"llama3.2","messages":[{"role":"system","content":"be brief"},
             {"role":"user","content":"why is the sky blue?"}],
             "stream":false,"options":{"temperature":0.0,"seed":101,"num_predict":64}}"""))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("""
                {"model":"llama3.2","created_at":"2023-12-12T14:13:43.416799Z",
                 "message":{"role":"assistant","content":"Hello! How are you today?"},
                 "done":true,"total_duration":5191566416,"load_duration":2154458,"prompt_eval_count":26,
                 "prompt_eval_duration":383809000,"eval_count":298,"eval_duration":4799921000}""")));
    ChatRequest request = ChatRequest.chat("llama3.2").system("be brief").user("why is the sky blue?")
        .temperature(0).seed(101).maxTokens(64).build();

    Reply reply = ollama.generate(endpoint, request, "llama3.2", TIMEOUT, new Abort());

    assertThat(reply.text()).isEqualTo("Hello! How are you today?");
    assertThat(reply.stats()).isEqualTo(new GenStats(5191566416L, 2154458, 26, 383809000, 298, 4799921000L));
    assertThat(reply.stats().tokensPerSecond()).isCloseTo(62.08, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void ollamaGenerateStreamsNdjsonLinesUpToTheDoneLine() throws Exception {
    server.stubFor(post(urlEqualTo("/api/generate"))
        .withRequestBody(equalToJson("{\"model\":\"llama3.2\",\"prompt\":\"Why?\",\"system\":\"terse\","
            + "\"stream\":true}"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-ndjson").withBody(
            "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"response\":\"The\","
                + "\"done\":false}\n"
                + "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.5Z\",\"response\":\" sky\","
                + "\"done\":false}\n"
                + "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"response\":\"\","
                + "\"done\":true,\"context\":[1,2,3],\"total_duration\":10706818083,\"load_duration\":6338219291,"
                + "\"prompt_eval_count\":26,\"prompt_eval_duration\":130079000,\"eval_count\":259,"
                + "\"eval_duration\":4232710000}\n")));

    List<Delta> deltas = drain(ollama.open(endpoint,
        ChatRequest.generate("llama3.2", "Why?").system("terse").build(), "llama3.2", TIMEOUT, new Abort()));

    assertThat(deltas).extracting(Delta::text).containsExactly("The", " sky", "");
    assertThat(deltas.get(2).done()).isTrue();
    assertThat(deltas.get(2).stats().loadNanos()).isEqualTo(6338219291L);
  }

  @Test
  void anErrorObjectInsideA200StreamIsAFailure() throws Exception {
    server.stubFor(post(urlEqualTo("/api/chat")).willReturn(aResponse().withStatus(200).withBody(
        "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
            + "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n")));
    WireStream stream = ollama.open(endpoint, ChatRequest.chat("m").user("x").build(), "m", TIMEOUT, new Abort());

    assertThat(stream.next().text()).isEqualTo("Hi");
    BackendException e = catchThrowableOfType(BackendException.class, stream::next);
    assertThat(e.getMessage()).contains("in-band error in stream: an error was encountered");
  }

  @Test
  void ollamasBusyAndMissingModelRepliesBecomeTheirOwnExceptions() {
    server.stubFor(post(urlEqualTo("/api/chat")).willReturn(aResponse().withStatus(503)
        .withBody("{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}")));
    server.stubFor(post(urlEqualTo("/api/generate")).willReturn(aResponse().withStatus(404)
        .withBody("{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}")));

    assertThat(catchThrowableOfType(ServerBusyException.class, () -> ollama.generate(endpoint,
        ChatRequest.chat("m").user("x").build(), "m", TIMEOUT, new Abort())).status()).hasValue(503);
    ModelNotFoundException missing = catchThrowableOfType(ModelNotFoundException.class,
        () -> ollama.generate(endpoint, ChatRequest.generate("llama9", "x").build(), "llama9", TIMEOUT, new Abort()));
    assertThat(missing.model()).isEqualTo("llama9");
    assertThat(new LlmClassifier().classify(missing)).isEqualTo(dev.headroom.core.route.FailureKind.REJECTED);
  }

  @Test
  void unloadSendsTheDocumentedKeepAliveZeroRequestAndReadsItsReply() throws Exception {
    // Ollama's API docs, "Unload a model": POST /api/generate {"model": "llama3.2", "keep_alive": 0}
    server.stubFor(post(urlEqualTo("/api/generate"))
        .withRequestBody(equalToJson("{\"model\":\"llama3.2\",\"keep_alive\":0}"))
        .willReturn(aResponse().withStatus(200).withBody("""
            {"model":"llama3.2","created_at":"2024-09-12T03:54:03.516566Z","response":"","done":true,
             "done_reason":"unload"}""")));
    ollama.unload(endpoint.uri(), "llama3.2", TIMEOUT);
    server.verify(1, postRequestedFor(urlEqualTo("/api/generate")));

    server.stubFor(post(urlEqualTo("/api/generate")).willReturn(aResponse().withStatus(404)
        .withBody("{\"error\":\"model \\\"gone\\\" not found, try pulling it first\"}")));
    assertThatThrownBy(() -> ollama.unload(endpoint.uri(), "gone", TIMEOUT))
        .isInstanceOf(dev.headroom.core.BackendException.class).hasMessageContaining("not found");
  }

  @Test
  void tagsAndPsAreReadFromTheDocumentedShapesWithNormalizedNames() throws Exception {
    server.stubFor(get(urlEqualTo("/api/tags")).willReturn(aResponse().withStatus(200).withBody("""
        {"models":[{"name":"codellama:13b","modified_at":"2023-11-04T14:56:49.277302595-07:00","size":7365960935,
          "digest":"9f438cb9cd581fc025612d27f7c1a6669ff83a8bb0ed86c94fcf4c5440555697",
          "details":{"format":"gguf","family":"llama","families":null,"parameter_size":"13B",
          "quantization_level":"Q4_0"}},
         {"name":"llama3","modified_at":"2023-12-07T09:32:18.757212583-08:00","size":3825819519,
          "digest":"fe938a131f40e6f6d40083c9f0f430a515233eb2edaa6d72eb85c50d64f2300e","details":{}}]}""")));
    server.stubFor(get(urlEqualTo("/api/ps")).willReturn(aResponse().withStatus(200).withBody("""
        {"models":[{"name":"mistral:latest","model":"mistral:latest","size":5137025024,
          "digest":"2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8",
          "details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],
          "parameter_size":"7.2B","quantization_level":"Q4_0"},
          "expires_at":"2024-06-04T14:38:31.83753-07:00","size_vram":5137025024}]}""")));

    assertThat(ollama.tags(endpoint.uri(), TIMEOUT)).isEqualTo(Set.of("codellama:13b", "llama3:latest"));
    assertThat(ollama.ps(endpoint.uri(), TIMEOUT))
        .isEqualTo(Map.of("mistral:latest", new WireOllama.Running(Instant.parse("2024-06-04T21:38:31.837530Z"),
            5_137_025_024L)));
  }

  @Test
  void ollamaEmbedSendsInputsAndReadsOneVectorEach() throws Exception {
    server.stubFor(post(urlEqualTo("/api/embed"))
        .withRequestBody(equalToJson("{\"model\":\"all-minilm\",\"input\":[\"Why is the sky blue?\","
            + "\"Why is the grass green?\"]}"))
        .willReturn(aResponse().withStatus(200).withBody("{\"model\":\"all-minilm\",\"embeddings\":"
            + "[[0.010071029,-0.0017594862],[-0.0098027075,0.06042469]]}")));

    List<float[]> vectors = ollama.embed(endpoint, "all-minilm",
        List.of("Why is the sky blue?", "Why is the grass green?"), TIMEOUT, new Abort()).vectors();

    assertThat(vectors).hasSize(2);
    assertThat(vectors.get(1)).containsExactly(-0.0098027075f, 0.06042469f);
  }

  @Test
  void openAiChatSendsTheKeyAndTheDocumentedBody() throws Exception {
    server.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .withHeader("Authorization", equalTo("Bearer sk-test"))
        .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hello!\"}],\"temperature\":0.0,\"max_tokens\":20,\"stream\":false}"))
        .willReturn(aResponse().withStatus(200).withBody("""
            {"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini",
             "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"message":{"role":"assistant",
             "content":"Hello there, how may I assist you today?"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}""")));

    Reply reply = openAi("sk-test").chat(endpoint,
        ChatRequest.chat("llama3.2").user("Hello!").temperature(0).maxTokens(20).build(), "gpt-4o-mini", TIMEOUT,
        new Abort());

    assertThat(reply.text()).isEqualTo("Hello there, how may I assist you today?");
    assertThat(reply.stats().promptTokens()).isEqualTo(9);
    assertThat(reply.stats().evalCount()).isEqualTo(12);
  }

  @Test
  void openAiStreamsAreServerSentEventsEndingWithDone() throws Exception {
    server.stubFor(post(urlEqualTo("/v1/chat/completions"))
        .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hi\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}],\"usage\":null}\n\n"
                + ": keep-alive comment\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
                + "data: [DONE]\n\n")));

    List<Delta> deltas = drain(openAi("k").open(endpoint, ChatRequest.chat("x").user("Hi").build(),
        "gpt-4o-mini", TIMEOUT, new Abort()));

    assertThat(deltas).extracting(Delta::text).containsExactly("Hel", "lo", "");
    assertThat(deltas.get(2).done()).isTrue();
    assertThat(deltas.get(2).stats().evalCount()).isEqualTo(2);
    server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization",
        equalTo("Bearer k")));
  }

  @Test
  void openAiEmbeddingsAreReturnedInInputOrder() throws Exception {
    server.stubFor(post(urlEqualTo("/v1/embeddings"))
        .withRequestBody(equalToJson("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}"))
        .willReturn(aResponse().withStatus(200).withBody("""
            {"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},
             {"object":"embedding","index":0,"embedding":[1.0,2.0]}],"model":"text-embedding-3-small",
             "usage":{"prompt_tokens":2,"total_tokens":2}}""")));

    List<float[]> vectors = openAi("k").embed(endpoint, "text-embedding-3-small", List.of("a", "b"), TIMEOUT,
        new Abort()).vectors();

    assertThat(vectors.get(0)).containsExactly(1.0f, 2.0f);
    assertThat(vectors.get(1)).containsExactly(0.5f, 0.25f);
  }

  @Test
  void openAiRateLimitsAreBackpressureAndEchoedKeysAreRedacted() {
    server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(429).withBody(
        "{\"error\":{\"message\":\"Rate limit reached for sk-leaky in organization org-1\",\"type\":\"requests\","
            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));

    BackendException e = catchThrowableOfType(BackendException.class, () -> openAi("sk-leaky").chat(endpoint,
        ChatRequest.chat("x").user("Hi").build(), "gpt-4o-mini", TIMEOUT, new Abort()));

    assertThat(e.status()).hasValue(429);
    assertThat(new LlmClassifier().classify(e)).isEqualTo(dev.headroom.core.route.FailureKind.BUSY);
    assertThat(e.getMessage()).contains("Rate limit reached for " + Secret.MASK).doesNotContain("sk-leaky");
    assertThat(e.bodyExcerpt()).doesNotContain("sk-leaky");
  }
}
