package dev.headroom.llm;

/**
 * A whole (non-streamed) answer as a server returned it.
 *
 * @param model the model name the server reported (the requested one when it reported none)
 * @param doneReason why generation stopped ({@code stop}, {@code length}, ...), empty when not reported
 */
record Reply(String text, String model, GenStats stats, String doneReason) {}
