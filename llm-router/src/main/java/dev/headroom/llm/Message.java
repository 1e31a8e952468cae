package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.util.Objects;

/**
 * One message of a chat: who said it and what.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text
 */
public record Message(String role, String content) {
  /** Validates. */
  public Message {
    Checks.in("message").nonBlank("role", role);
    Objects.requireNonNull(content, "content");
  }

  /** A system message. */
  public static Message system(String content) {
    return new Message("system", content);
  }

  /** A user message. */
  public static Message user(String content) {
    return new Message("user", content);
  }

  /** An assistant message (for chat history). */
  public static Message assistant(String content) {
    return new Message("assistant", content);
  }
}
