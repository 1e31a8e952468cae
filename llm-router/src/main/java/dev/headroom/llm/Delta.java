package dev.headroom.llm;

/**
 * One parsed piece of a streamed reply: new text, or the end with the server's stats, the model name it reported
 * (null when none) and why generation stopped (empty when not reported).
 */
record Delta(String text, boolean done, GenStats stats, String model, String doneReason) {
  static Delta text(String text) {
    return new Delta(text, false, GenStats.NONE, null, "");
  }

  static Delta end(String text, GenStats stats, String model, String doneReason) {
    return new Delta(text, true, stats, model, doneReason == null ? "" : doneReason);
  }
}
