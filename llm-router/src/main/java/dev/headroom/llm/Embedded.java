package dev.headroom.llm;

import java.util.List;

/**
 * Embeddings as a server returned them.
 *
 * @param model the model name the server reported (the requested one when it reported none)
 * @param loadNanos the model load time the server reported (Ollama's {@code load_duration}), 0 when none
 */
record Embedded(List<float[]> vectors, String model, long loadNanos) {}
