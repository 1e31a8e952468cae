package dev.headroom.llm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A complete answer and how it was produced.
 *
 * @param text the answer
 * @param model the model name the server reported in its reply (Ollama's {@code model}, the cloud's {@code model},
 *     e.g. {@code gpt-4o-mini-2024-07-18} for a request for {@code gpt-4o-mini}), streamed or not; the name the
 *     request was sent with only when the server reported none, or for an answer from the cache
 * @param endpoint the id of the endpoint that served it ({@code "cache"} for a cached answer)
 * @param tier the tier that served it: {@code local}, {@code remote}, {@code cloud} or {@code cache}
 * @param promptTokens tokens in the prompt, as the server counted them (0 when unknown)
 * @param completionTokens tokens in the answer, as the server counted them (0 when unknown)
 * @param timeToFirstToken time from sending to the first token (for non-streamed Ollama replies, derived from the
 *     server's prompt-evaluation and load times); zero when unknown
 * @param loadDuration time the server spent loading the model into memory (a cold start); zero when none
 * @param tokensPerSecond the generation rate, {@code eval_count / eval_duration}; 0 when unknown
 * @param doneReason why generation stopped, as the server said: Ollama's {@code done_reason} or the cloud's
 *     {@code finish_reason} - {@code "stop"} (a natural end), {@code "length"} (cut by
 *     {@link ChatRequest#maxTokens()} or the context), or another server value ({@code content_filter}, ...);
 *     empty when the server did not say, and for an answer from the cache
 * @param toolCalls the tools the model asked to call (Ollama's {@code message.tool_calls}, the cloud's
 *     {@code tool_calls}, streamed or not); answer them with {@link Message#tool(ToolCall, String)} in the next
 *     request. Empty when it called none
 * @param thinking what a thinking model thought before answering ({@code think}); empty when nothing
 */
public record ChatResponse(String text, String model, String endpoint, String tier, int promptTokens,
    int completionTokens, Duration timeToFirstToken, Duration loadDuration, double tokensPerSecond,
    String doneReason, List<ToolCall> toolCalls, String thinking) {

  /** Validates. */
  public ChatResponse {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    Objects.requireNonNull(loadDuration, "loadDuration");
    Objects.requireNonNull(doneReason, "doneReason");
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    Objects.requireNonNull(thinking, "thinking");
  }

  /** A response without tool calls or thinking. */
  public ChatResponse(String text, String model, String endpoint, String tier, int promptTokens,
      int completionTokens, Duration timeToFirstToken, Duration loadDuration, double tokensPerSecond,
      String doneReason) {
    this(text, model, endpoint, tier, promptTokens, completionTokens, timeToFirstToken, loadDuration,
        tokensPerSecond, doneReason, List.of(), "");
  }

  /** A response whose done reason is unknown (empty). */
  public ChatResponse(String text, String model, String endpoint, String tier, int promptTokens,
      int completionTokens, Duration timeToFirstToken, Duration loadDuration, double tokensPerSecond) {
    this(text, model, endpoint, tier, promptTokens, completionTokens, timeToFirstToken, loadDuration,
        tokensPerSecond, "");
  }

  /** Whether generation was cut by a token limit ({@code doneReason} is {@code "length"}). */
  public boolean truncated() {
    return doneReason.equals("length");
  }

  /** Whether the model asked to call tools (see {@link #toolCalls()}). */
  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }

  /** Whether the answer came from the response cache. */
  public boolean fromCache() {
    return tier.equals(LlmRouter.CACHE);
  }
}
