package dev.headroom.llm;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Ids for tool calls whose server gave none (Ollama), in the OpenAI API's shape ({@code call_...}). */
final class ToolCalls {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ToolCalls() {}

  static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "call_" + HexFormat.of().formatHex(bytes);
  }
}
