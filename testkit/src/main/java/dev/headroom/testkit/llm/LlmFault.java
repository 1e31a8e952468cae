package dev.headroom.testkit.llm;

/**
 * A failure that a {@link FakeOllama} or {@link FakeOpenAi} injects into its generation requests (chat, generate,
 * embed). Built with the static factories, then narrowed with {@link #share(double)} and {@link #times(int)}:
 *
 * <pre>{@code
 * ollama.inject(LlmFault.disconnectAfter(3));            // every stream is cut after 3 tokens
 * ollama.inject(LlmFault.busy().share(0.5).times(10));   // half of the next requests, at most 10, get 503 busy
 * }</pre>
 *
 * @param kind what happens
 * @param status for {@link Kind#ERROR_STATUS}, the HTTP status sent
 * @param afterTokens for the mid-stream kinds, how many tokens are sent first
 * @param bytes for {@link Kind#OVERSIZED_BODY}, the size of the body (or line) sent
 * @param share the share of requests affected, in [0, 1]
 * @param times how many requests at most are affected; negative for no limit
 * @param retryAfter for {@link Kind#BUSY}, the {@code Retry-After} header sent (whole seconds, rounded up); null: none
 */
public record LlmFault(Kind kind, int status, int afterTokens, long bytes, double share, int times,
    java.time.Duration retryAfter) {

  /** What the fake does to an affected request. */
  public enum Kind {
    /** Replies at once with an error status and the server's JSON error body. */
    ERROR_STATUS,
    /** Replies at once with the server's backpressure reply: Ollama's 503 "server busy", OpenAI's 429. */
    BUSY,
    /** Closes the connection without any reply. */
    RESET,
    /** Sends {@code afterTokens} tokens, then drops the connection without ending the body. */
    DISCONNECT_MID_STREAM,
    /** Sends {@code afterTokens} tokens, then an in-band {@code {"error":...}} object inside the 200 reply. */
    IN_BAND_ERROR,
    /** Sends {@code afterTokens} tokens (streams only), then a line (or body) that is not valid JSON. */
    MALFORMED_JSON,
    /** Sends {@code afterTokens} tokens, then nothing more until the fake is killed or closed. */
    STALL,
    /** Replies 200 with a body (or a single stream line) of {@code bytes} bytes. */
    OVERSIZED_BODY
  }

  /** A fault without {@code Retry-After}. */
  public LlmFault(Kind kind, int status, int afterTokens, long bytes, double share, int times) {
    this(kind, status, afterTokens, bytes, share, times, null);
  }

  /** Validates. */
  public LlmFault {
    if (kind == null) {
      throw new IllegalArgumentException("kind must be set");
    }
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1] but was " + share);
    }
    if (afterTokens < 0) {
      throw new IllegalArgumentException("afterTokens must be >= 0 but was " + afterTokens);
    }
  }

  /** An HTTP error status (500 by default in {@link #serverError()}). */
  public static LlmFault status(int status) {
    return new LlmFault(Kind.ERROR_STATUS, status, 0, 0, 1, -1);
  }

  /** HTTP 500 with the server's error body. */
  public static LlmFault serverError() {
    return status(500);
  }

  /** Backpressure: Ollama's 503 "server busy, please try again. maximum pending requests exceeded", OpenAI's 429. */
  public static LlmFault busy() {
    return new LlmFault(Kind.BUSY, 0, 0, 0, 1, -1);
  }

  /** Backpressure as {@link #busy()}, with {@code Retry-After: <seconds>} (rounded up to a whole second). */
  public static LlmFault busy(java.time.Duration retryAfter) {
    return new LlmFault(Kind.BUSY, 0, 0, 0, 1, -1, java.util.Objects.requireNonNull(retryAfter, "retryAfter"));
  }

  /** The connection is closed without a reply. */
  public static LlmFault reset() {
    return new LlmFault(Kind.RESET, 0, 0, 0, 1, -1);
  }

  /** The connection drops after {@code tokens} tokens were sent. */
  public static LlmFault disconnectAfter(int tokens) {
    return new LlmFault(Kind.DISCONNECT_MID_STREAM, 0, tokens, 0, 1, -1);
  }

  /** An in-band {@code {"error":"..."}} object after {@code tokens} tokens, inside a 200 reply. */
  public static LlmFault inBandErrorAfter(int tokens) {
    return new LlmFault(Kind.IN_BAND_ERROR, 0, tokens, 0, 1, -1);
  }

  /** A reply (or, in a stream, a line after {@code tokens} tokens) that is not valid JSON. */
  public static LlmFault malformedJsonAfter(int tokens) {
    return new LlmFault(Kind.MALFORMED_JSON, 0, tokens, 0, 1, -1);
  }

  /** A non-streaming reply that is not valid JSON. */
  public static LlmFault malformedJson() {
    return malformedJsonAfter(0);
  }

  /** Nothing more after {@code tokens} tokens, until the fake is killed or closed. */
  public static LlmFault stallAfter(int tokens) {
    return new LlmFault(Kind.STALL, 0, tokens, 0, 1, -1);
  }

  /** A 200 reply whose body (or single stream line) is {@code bytes} long. */
  public static LlmFault oversizedBody(long bytes) {
    return new LlmFault(Kind.OVERSIZED_BODY, 0, 0, bytes, 1, -1);
  }

  /** The same fault, for a share of the requests only. */
  public LlmFault share(double value) {
    return new LlmFault(kind, status, afterTokens, bytes, value, times, retryAfter);
  }

  /** The same fault, for at most {@code count} requests. */
  public LlmFault times(int count) {
    return new LlmFault(kind, status, afterTokens, bytes, share, count, retryAfter);
  }
}
