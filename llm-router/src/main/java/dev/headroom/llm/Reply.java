package dev.headroom.llm;

/** A whole (non-streamed) answer as a server returned it. */
record Reply(String text, String model, GenStats stats) {}
