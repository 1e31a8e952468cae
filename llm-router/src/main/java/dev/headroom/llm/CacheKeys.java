package dev.headroom.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The deterministic {@link ResponseCache} key of a request: SHA-256 over a canonical JSON of what decides the
 * answer.
 */
final class CacheKeys {
  private CacheKeys() {}

  static String key(ChatRequest request, String model) {
    ObjectNode canonical = WireExchange.JSON.createObjectNode();
    canonical.put("v", 1).put("kind", request.kind().name()).put("model", model);
    if (request.kind() == ChatRequest.Kind.CHAT) {
      ArrayNode messages = canonical.putArray("messages");
      request.messages().forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
    } else {
      canonical.put("prompt", request.prompt());
      request.system().ifPresent(s -> canonical.put("system", s));
    }
    request.temperature().ifPresent(t -> canonical.put("temperature", t));
    request.seed().ifPresent(s -> canonical.put("seed", s));
    request.maxTokens().ifPresent(n -> canonical.put("maxTokens", n));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
