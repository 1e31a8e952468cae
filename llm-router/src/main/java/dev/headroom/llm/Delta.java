package dev.headroom.llm;

import java.util.List;

/**
 * One parsed piece of a streamed reply: new text (and thinking, and whole tool calls, which both APIs deliver in
 * pieces the parsers put together), or the end with the server's stats, the model name it reported (null when none)
 * and why generation stopped (empty when not reported).
 */
record Delta(String text, boolean done, GenStats stats, String model, String doneReason, List<ToolCall> toolCalls,
    String thinking) {
  static Delta of(String text, List<ToolCall> toolCalls, String thinking) {
    return new Delta(text, false, GenStats.NONE, null, "", List.copyOf(toolCalls), thinking);
  }

  static Delta end(String text, GenStats stats, String model, String doneReason, List<ToolCall> toolCalls,
      String thinking) {
    return new Delta(text, true, stats, model, doneReason == null ? "" : doneReason, List.copyOf(toolCalls),
        thinking);
  }

  /** Whether it carries anything for the caller: text, thinking or tool calls. */
  boolean hasContent() {
    return !text.isEmpty() || !toolCalls.isEmpty() || !thinking.isEmpty();
  }
}
