package dev.headroom.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * A complete answer and how it was produced.
 *
 * @param text the answer
 * @param model the model that answered (the cloud model's name when the cloud served it)
 * @param endpoint the id of the endpoint that served it ({@code "cache"} for a cached answer)
 * @param tier the tier that served it: {@code local}, {@code remote}, {@code cloud} or {@code cache}
 * @param promptTokens tokens in the prompt, as the server counted them (0 when unknown)
 * @param completionTokens tokens in the answer, as the server counted them (0 when unknown)
 * @param timeToFirstToken time from sending to the first token (for non-streamed Ollama replies, derived from the
 *     server's prompt-evaluation and load times); zero when unknown
 * @param loadDuration time the server spent loading the model into memory (a cold start); zero when none
 * @param tokensPerSecond the generation rate, {@code eval_count / eval_duration}; 0 when unknown
 */
public record ChatResponse(String text, String model, String endpoint, String tier, int promptTokens,
    int completionTokens, Duration timeToFirstToken, Duration loadDuration, double tokensPerSecond) {

  /** Validates. */
  public ChatResponse {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    Objects.requireNonNull(loadDuration, "loadDuration");
  }

  /** Whether the answer came from the response cache. */
  public boolean fromCache() {
    return tier.equals(LlmRouter.CACHE);
  }
}
