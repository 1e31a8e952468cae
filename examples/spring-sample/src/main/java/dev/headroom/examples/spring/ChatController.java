package dev.headroom.examples.spring;

import dev.headroom.core.NoCapacityException;
import dev.headroom.llm.SpendLimitExceededException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /chat}: the prompt (the request body) through Spring AI's {@link ChatClient}, on the {@link ChatModel}
 * the starter makes of the LLM router of {@code headroom.llm} (headroom-spring-ai): the least-loaded Ollama node that
 * has the model, or the cloud when the nodes are full, down or failing; the answer says who served it. With
 * {@code ?temperature=0} the answer is deterministic, so the router caches it in the Redis Cluster of
 * {@code headroom.cache} ({@code llm-responses}): every instance of the app then serves it from there.
 */
@RestController
class ChatController {
  private final ChatClient chat;

  ChatController(ChatModel chatModel) {
    this.chat = ChatClient.create(chatModel);
  }

  @PostMapping("/chat")
  Map<String, Object> chat(@RequestBody(required = false) String prompt,
      @RequestParam(name = "temperature", required = false) Double temperature) {
    ChatClient.ChatClientRequestSpec request = chat.prompt().user(prompt == null || prompt.isEmpty() ? " " : prompt);
    if (temperature != null) {
      request = request.options(ChatOptions.builder().temperature(temperature));
    }
    ChatResponse answer = request.call().chatResponse();
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("tier", answer.getMetadata().get("headroom.tier"));
    reply.put("endpoint", answer.getMetadata().get("headroom.endpoint"));
    reply.put("model", answer.getMetadata().getModel());
    reply.put("reply", answer.getResult().getOutput().getText());
    return reply;
  }

  /** Every tier was full, down or failing: 503 with the reason for each tier. */
  @ExceptionHandler(NoCapacityException.class)
  ResponseEntity<Map<String, Object>> noCapacity(NoCapacityException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  /** Only the cloud could serve, and its spend limit said no: 429. */
  @ExceptionHandler(SpendLimitExceededException.class)
  ResponseEntity<Map<String, Object>> spendLimit(SpendLimitExceededException e) {
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body(Map.of("error", e.getMessage()));
  }
}
