package dev.headroom.examples.spring;

import dev.headroom.core.NoCapacityException;
import dev.headroom.npu.Embedding;
import dev.headroom.npu.EmbeddingInputException;
import dev.headroom.npu.EmbeddingPool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /embed} with a JSON list of texts: one unit vector per text, in order, through the embedding pool of
 * {@code headroom.npu} (batched with other callers' texts onto the local model and the NPU worker; the cloud when the
 * local queue is too deep). Each embedding says which backend computed it.
 */
@RestController
class EmbedController {
  private static final int MAX_TEXTS = 256;

  private final EmbeddingPool embeddings;

  EmbedController(EmbeddingPool embeddings) {
    this.embeddings = embeddings;
  }

  @PostMapping("/embed")
  Map<String, Object> embed(@RequestBody List<String> texts) {
    if (texts.isEmpty() || texts.size() > MAX_TEXTS) {
      throw new IllegalArgumentException("send 1 to " + MAX_TEXTS + " texts, not " + texts.size());
    }
    List<Embedding> vectors = embeddings.embedAll(texts);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Embedding embedding : vectors) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("backend", embedding.backend());
      one.put("tokens", embedding.tokens());
      one.put("truncated", embedding.truncated());
      one.put("vector", embedding.vector());
      out.add(one);
    }
    return Map.of("pool", embeddings.name(), "dimensions", vectors.get(0).dimensions(), "embeddings", out);
  }

  /** A null, empty or blank text (its index is in the message), or a bad list: 400. */
  @ExceptionHandler({EmbeddingInputException.class, IllegalArgumentException.class})
  ResponseEntity<Map<String, Object>> badInput(RuntimeException e) {
    return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
  }

  /** The local queue is past its critical depth and there is no cloud: 503. */
  @ExceptionHandler(NoCapacityException.class)
  ResponseEntity<Map<String, Object>> noCapacity(NoCapacityException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }
}
