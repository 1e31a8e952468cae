package dev.headroom.llm;

import java.util.List;

/**
 * A whole (non-streamed) answer as a server returned it.
 *
 * @param model the model name the server reported (the requested one when it reported none)
 * @param doneReason why generation stopped ({@code stop}, {@code length}, ...), empty when not reported
 * @param toolCalls the tool calls the model made (empty: none)
 * @param thinking what a thinking model thought before answering (empty: nothing)
 */
record Reply(String text, String model, GenStats stats, String doneReason, List<ToolCall> toolCalls,
    String thinking) {}
