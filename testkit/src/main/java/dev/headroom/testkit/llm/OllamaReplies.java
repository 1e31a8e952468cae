package dev.headroom.testkit.llm;

import static dev.headroom.testkit.llm.FakeServer.JSON;
import static dev.headroom.testkit.llm.FakeServer.pause;
import static dev.headroom.testkit.llm.FakeServer.sendJson;
import static dev.headroom.testkit.llm.FakeServer.startStream;
import static dev.headroom.testkit.llm.FakeServer.writeFlush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The answers of a {@link FakeOllama} to admitted requests, with a loaded model: {@code /api/chat} and
 * {@code /api/generate} (streamed as NDJSON token by token, or whole), and {@code /api/embed}. Takes the simulated
 * time of prompt evaluation and of each token (scaled by the node's current slow-down), applies the
 * {@link OllamaFaults} of the request, and records the answer texts it sent.
 */
final class OllamaReplies {
  private final Duration promptEval;
  private final long promptTokenNanos;
  private final PromptCache promptCache;
  private final java.util.concurrent.atomic.AtomicLong cachedTokens = new java.util.concurrent.atomic.AtomicLong();
  private final double tokensPerSecond;
  private final int answerTokens;
  private final int embeddingDims;
  private final DoubleSupplier slowdown;
  private final OllamaFaults faults;
  private final List<String> sentTexts;

  OllamaReplies(Duration promptEval, Duration promptEvalPerToken, int cacheSlots, double tokensPerSecond,
      int answerTokens, int embeddingDims, DoubleSupplier slowdown, OllamaFaults faults, List<String> sentTexts) {
    this.promptEval = promptEval;
    this.promptTokenNanos = promptEvalPerToken.toNanos();
    this.promptCache = new PromptCache(cacheSlots);
    this.tokensPerSecond = tokensPerSecond;
    this.answerTokens = answerTokens;
    this.embeddingDims = embeddingDims;
    this.slowdown = slowdown;
    this.faults = faults;
    this.sentTexts = sentTexts;
  }

  /**
   * One admitted request: its exchange and JSON body, the model as requested, when it arrived, how long the model
   * load took, its fault (or null), and what ends its time "in service" (run just before the last bytes go out, so
   * that a client that has read the whole reply may send its next request without the two overlapping in the count).
   */
  record Call(HttpExchange exchange, JsonNode body, String model, long arrived, long loadNanos, LlmFault fault,
      Runnable endOfService) {}

  /** Prompt tokens the slots' caches spared from evaluation so far. */
  long cachedPromptTokens() {
    return cachedTokens.get();
  }

  /** Answers a chat ({@code chat} true) or generate request. */
  void generate(Call call, boolean chat) throws IOException {
    JsonNode body = call.body();
    List<JsonNode> imageLists = new ArrayList<>();
    body.path("messages").forEach(m -> imageLists.add(m.path("images")));
    imageLists.add(body.path("images"));
    for (JsonNode images : imageLists) {
      String bad = ModelBehaviour.badImage(images);
      if (bad != null) {
        call.endOfService().run();
        sendJson(call.exchange(), 400, FakeOllama.error(bad));
        return;
      }
    }
    new Generation(call, chat).run();
  }

  /** Answers an embed request. */
  void embed(Call call) throws IOException {
    HttpExchange exchange = call.exchange();
    String model = call.model();
    if (call.fault() != null && faults.replacedReply(exchange, call.fault(), model)) {
      return;
    }
    List<String> inputs = new ArrayList<>();
    JsonNode input = call.body().path("input");
    if (input.isArray()) {
      input.forEach(n -> inputs.add(n.asText()));
    } else {
      inputs.add(input.asText(""));
    }
    ObjectNode reply = JSON.createObjectNode().put("model", model);
    ArrayNode embeddings = reply.putArray("embeddings");
    int promptTokens = 0;
    for (String text : inputs) {
      ArrayNode vector = embeddings.addArray();
      TextGen.embedding(FakeOllama.normalize(model), text, embeddingDims).forEach(vector::add);
      promptTokens += TextGen.approxTokens(text);
    }
    pause((long) (promptEval.toNanos() * slowdown.getAsDouble()));
    reply.put("total_duration", System.nanoTime() - call.arrived()).put("load_duration", call.loadNanos())
        .put("prompt_eval_count", promptTokens);
    call.endOfService().run();
    sendJson(exchange, 200, reply);
  }

  private static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).toString();
  }

  private static String chatPrompt(JsonNode messages) {
    List<String> parts = new ArrayList<>();
    messages.forEach(m -> parts.add(m.path("content").asText("")));
    return String.join("\n", parts);
  }

  /** One chat or generate request being answered. */
  private final class Generation {
    private final HttpExchange exchange;
    private final String model;
    private final boolean chat;
    private final long arrived;
    private final long loadNanos;
    private final LlmFault fault;
    private final Runnable endOfService;
    private final boolean stream;
    private final String prompt;
    private final List<String> tokens;
    /** Ollama's {@code done_reason}: "length" when {@code num_predict} cut the answer, else "stop". */
    private final String doneReason;
    /** The tool call it answers with (Ollama's shape), or null for a text answer. */
    private final ObjectNode toolCall;
    /** What a thinking model thought ({@code "think": true}), or empty. */
    private final String thinking;
    /** The prefix hashes of the chat's messages, for the prompt cache. */
    private final List<Long> prefixes;
    /** Prompt evaluation: the base time plus each token no slot had cached. */
    private final long promptNanos;
    private final int evaluatedTokens;

    Generation(Call call, boolean chat) {
      JsonNode request = call.body();
      this.exchange = call.exchange();
      this.model = call.model();
      this.chat = chat;
      this.arrived = call.arrived();
      this.loadNanos = call.loadNanos();
      this.fault = call.fault();
      this.endOfService = call.endOfService();
      this.stream = request.path("stream").asBoolean(true);
      this.prompt = chat ? chatPrompt(request.path("messages")) : request.path("prompt").asText("");
      JsonNode options = request.path("options");
      int limit = options.path("num_predict").asInt(answerTokens);
      List<String> words = TextGen.tokens(FakeOllama.normalize(model), prompt, options.path("seed").asLong(0),
          Math.min(answerTokens, limit <= 0 ? answerTokens : limit));
      JsonNode messages = request.path("messages");
      String lastRole = messages.isEmpty() ? "user" : messages.get(messages.size() - 1).path("role").asText();
      JsonNode tools = request.path("tools");
      if (chat && ModelBehaviour.callsTool(tools, lastRole)) {
        JsonNode function = tools.get(0).path("function");
        this.toolCall = JSON.createObjectNode();
        toolCall.putObject("function").put("name", function.path("name").asText())
            .set("arguments", ModelBehaviour.arguments(function.path("parameters"), prompt));
        words = List.of();
      } else {
        this.toolCall = null;
      }
      JsonNode format = request.path("format");
      if (toolCall == null && (format.isObject() || format.asText("").equals("json"))) {
        words = ModelBehaviour.pieces(ModelBehaviour.json(format.isObject() ? format : null, String.join("", words)),
            8);
      }
      this.tokens = words;
      this.thinking = request.path("think").asBoolean(false) ? "The question is simple; answer briefly." : "";
      this.prefixes = chat ? PromptCache.prefixes(messages) : List.of();
      int cachedMessages = chat ? promptCache.cachedMessages(prefixes) : 0;
      int cached = 0;
      for (int i = 0; i < cachedMessages; i++) {
        cached += TextGen.approxTokens(messages.get(i).path("content").asText(""));
      }
      int total = TextGen.approxTokens(prompt);
      cachedTokens.addAndGet(Math.min(cached, total));
      // at least the last token is evaluated, as Ollama does with a prompt it has wholly cached
      this.evaluatedTokens = total == 0 ? 0 : Math.max(1, total - cached);
      this.promptNanos = promptEval.toNanos() + promptTokenNanos * evaluatedTokens;
      this.doneReason = limit > 0 && limit < answerTokens ? "length" : "stop";
    }

    void run() throws IOException {
      if (!stream) {
        whole();
        return;
      }
      OutputStream out = startStream(exchange, "application/x-ndjson");
      long evalStart = System.nanoTime();
      if (!pause((long) (this.promptNanos * slowdown.getAsDouble()))) {
        return;
      }
      long promptNanos = System.nanoTime() - evalStart;
      long tokenNanos = (long) (1e9 / tokensPerSecond * slowdown.getAsDouble());
      StringBuilder sent = new StringBuilder();
      long genStart = System.nanoTime();
      if (!thinking.isEmpty() || toolCall != null) { // Ollama streams thoughts first, and a tool call whole
        if (!pause(tokenNanos)) {
          return;
        }
        writeFlush(out, line("", false, 0, 0, true));
      }
      try {
        for (int i = 0; i < tokens.size(); i++) {
          if (fault != null && i == fault.afterTokens() && faults.endedStream(out, fault, model)) {
            return;
          }
          if (!pause(tokenNanos)) { // every token takes a token's time, the first one too
            return;
          }
          writeFlush(out, line(tokens.get(i), false, 0, 0));
          sent.append(tokens.get(i));
        }
        if (fault != null && fault.afterTokens() >= tokens.size() && faults.endedStream(out, fault, model)) {
          return;
        }
        long evalNanos = System.nanoTime() - genStart;
        remember(sent.toString());
        endOfService.run();
        writeFlush(out, finalLine(promptNanos, evalNanos, ""));
        out.close();
      } finally {
        sentTexts.add(sent.toString());
      }
    }

    private void whole() throws IOException {
      if (fault != null && faults.replacedReply(exchange, fault, model)) {
        return;
      }
      long evalStart = System.nanoTime();
      if (!pause((long) (this.promptNanos * slowdown.getAsDouble()))) {
        return;
      }
      long promptNanos = System.nanoTime() - evalStart;
      long genStart = System.nanoTime();
      if (!pause((long) (1e9 / tokensPerSecond * slowdown.getAsDouble() * tokens.size()))) {
        return;
      }
      String text = String.join("", tokens);
      remember(text);
      endOfService.run();
      sendJson(exchange, 200, line(text, true, promptNanos, System.nanoTime() - genStart, true).strip());
      sentTexts.add(text);
    }

    private String line(String content, boolean done, long promptNanos, long evalNanos) throws IOException {
      return line(content, done, promptNanos, evalNanos, false);
    }

    /** The slot that answered now holds this conversation, answer included. */
    private void remember(String answer) {
      if (!prefixes.isEmpty()) {
        promptCache.remember(prefixes, PromptCache.withAnswer(prefixes.get(prefixes.size() - 1), answer));
      }
    }

    /** A reply line; {@code extras}: with the thinking and the tool call. */
    private String line(String content, boolean done, long promptNanos, long evalNanos, boolean extras)
        throws IOException {
      ObjectNode node = JSON.createObjectNode().put("model", model).put("created_at", now());
      if (chat) {
        ObjectNode message = node.putObject("message").put("role", "assistant").put("content", content);
        if (extras && !thinking.isEmpty()) {
          message.put("thinking", thinking);
        }
        if (extras && toolCall != null) {
          message.putArray("tool_calls").add(toolCall);
        }
      } else {
        node.put("response", content);
        if (extras && !thinking.isEmpty()) {
          node.put("thinking", thinking);
        }
      }
      node.put("done", done);
      if (done) {
        node.put("done_reason", doneReason);
        if (!chat) {
          node.putArray("context").add(1).add(2).add(3);
        }
        node.put("total_duration", System.nanoTime() - arrived).put("load_duration", loadNanos)
            .put("prompt_eval_count", evaluatedTokens).put("prompt_eval_duration", promptNanos)
            .put("eval_count", tokens.size()).put("eval_duration", Math.max(1, evalNanos));
      }
      return JSON.writeValueAsString(node) + "\n";
    }

    private String finalLine(long promptNanos, long evalNanos, String content) throws IOException {
      return line(content, true, promptNanos, evalNanos);
    }
  }
}
