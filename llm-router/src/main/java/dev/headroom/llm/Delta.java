package dev.headroom.llm;

/** One parsed piece of a streamed reply: new text, or the end with the server's stats. */
record Delta(String text, boolean done, GenStats stats) {
  static Delta text(String text) {
    return new Delta(text, false, GenStats.NONE);
  }

  static Delta end(String text, GenStats stats) {
    return new Delta(text, true, stats);
  }
}
