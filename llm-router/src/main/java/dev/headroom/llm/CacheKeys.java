package dev.headroom.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The deterministic {@link ResponseCache} key of a request: SHA-256 over what decides the answer, which is what an
 * Ollama node is sent for it (the request body, model name normalized, without {@code keep_alive}).
 */
final class CacheKeys {
  private CacheKeys() {}

  static String key(ChatRequest request, String model) {
    // everything a node is sent decides the answer: messages, images, format, options, think
    ObjectNode canonical = WireOllama.body(request, model, false);
    canonical.remove("keep_alive"); // how long the model stays loaded does not change the answer
    canonical.put("v", 2).put("kind", request.kind().name());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
