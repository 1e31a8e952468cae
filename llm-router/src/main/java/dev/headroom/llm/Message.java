package dev.headroom.llm;

import dev.headroom.core.Checks;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One message of a chat: who said it and what, with the images it shows, the tool calls an assistant made, or, for
 * a tool's result, which call it answers.
 *
 * <pre>{@code
 * Message.user("What is in this picture?", List.of(base64Png))
 * Message.assistant("", answer.toolCalls())          // the model's tool calls, back in the history
 * Message.tool(answer.toolCalls().get(0), "{\"temperature\": 18}")
 * }</pre>
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text
 * @param images base64-encoded images (PNG, JPEG, GIF or WebP) the message shows
 * @param toolCalls the tool calls of an assistant message
 * @param toolCallId for a {@code tool} message, the id of the call it answers (empty otherwise)
 * @param toolName for a {@code tool} message, the name of the function that answered (empty otherwise)
 */
public record Message(String role, String content, List<String> images, List<ToolCall> toolCalls,
    String toolCallId, String toolName) {
  /** Validates and copies the lists. */
  public Message {
    Checks checks = Checks.in("message");
    checks.nonBlank("role", role);
    Objects.requireNonNull(content, "content");
    images = List.copyOf(Objects.requireNonNull(images, "images"));
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(toolName, "toolName");
    for (int i = 0; i < images.size(); i++) {
      try {
        if (Base64.getDecoder().decode(images.get(i)).length == 0) {
          throw checks.invalid("images[" + i + "]", "(empty)", "must be a base64-encoded image");
        }
      } catch (IllegalArgumentException e) {
        throw checks.invalid("images[" + i + "]", abbreviate(images.get(i)), "must be base64 (" + e.getMessage() + ")");
      }
    }
    if (!toolCalls.isEmpty() && !role.equals("assistant")) {
      throw checks.invalid("toolCalls", toolCalls.size() + " calls", "belong to an assistant message, not " + role);
    }
  }

  /** A message of {@code role} with text only. */
  public Message(String role, String content) {
    this(role, content, List.of(), List.of(), "", "");
  }

  /** A system message. */
  public static Message system(String content) {
    return new Message("system", content);
  }

  /** A user message. */
  public static Message user(String content) {
    return new Message("user", content);
  }

  /** A user message showing images (base64-encoded PNG, JPEG, GIF or WebP). */
  public static Message user(String content, List<String> imagesBase64) {
    return new Message("user", content, imagesBase64, List.of(), "", "");
  }

  /** An assistant message (for chat history). */
  public static Message assistant(String content) {
    return new Message("assistant", content);
  }

  /** An assistant message that made tool calls (for chat history: {@link ChatResponse#toolCalls()}). */
  public static Message assistant(String content, List<ToolCall> toolCalls) {
    return new Message("assistant", content, List.of(), toolCalls, "", "");
  }

  /** The result of {@code call}, as a {@code tool} message. */
  public static Message tool(ToolCall call, String result) {
    Objects.requireNonNull(call, "call");
    return new Message("tool", result, List.of(), List.of(), call.id(), call.name());
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
