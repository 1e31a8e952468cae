package dev.headroom.examples.spring;

import dev.headroom.core.BackendException;
import dev.headroom.core.NoCapacityException;
import dev.headroom.core.route.RouteOptions;
import dev.headroom.core.route.Router;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /chat}: sends the prompt through the {@code chat} router (local Ollama pool first, the cloud when
 * the local nodes are full, down or failing) and says who answered. Not cached. The call itself is a plain HTTP
 * POST of the prompt; protocol-aware clients (Ollama, OpenAI-compatible) come with the LLM router module.
 */
@RestController
class ChatController {
  private static final RouteOptions OPTIONS = RouteOptions.builder().timeout(Duration.ofSeconds(60)).build();

  private final Router chat;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChatController(@Qualifier("chat") Router chat) {
    this.chat = chat;
  }

  @PostMapping("/chat")
  Map<String, Object> chat(@RequestBody(required = false) String prompt) {
    String body = prompt == null ? "" : prompt;
    return chat.execute(OPTIONS, lease -> {
      HttpRequest request = HttpRequest.newBuilder(lease.endpoint().uri().resolve("/api/chat"))
          .timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .build();
      HttpResponse<String> response = send(request);
      if (response.statusCode() != 200) {
        throw new BackendException(lease.endpoint().id(), response.statusCode(), "chat failed", response.body(), null);
      }
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("pool", lease.pool());
      reply.put("endpoint", lease.endpoint().id());
      reply.put("reply", response.body());
      return reply;
    });
  }

  /** Every tier was full, down or failing: 503 with the reason for each tier. */
  @ExceptionHandler(NoCapacityException.class)
  ResponseEntity<Map<String, Object>> noCapacity(NoCapacityException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
