package dev.headroom.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot app whose LLM router, embedding pool, browser pool, tiered cache and scaling rules come from
 * {@code application.yml} alone. By default (the {@code fakes} profile) it starts fakes on loopback in place of two
 * Ollama nodes, a cloud API, an NPU worker (running the real model) and the pages to screenshot, and a Redis Cluster of
 * real {@code redis-server} processes when they are installed; the embedding model runs in ONNX Runtime and the
 * browser is a real headless Chromium ({@code /usr/bin/chromium}). With any other profile it calls the URLs of
 * {@code application.yml} ({@code OLLAMA_1_URL}, {@code OLLAMA_2_URL}, {@code CLOUD_URL}, {@code OPENAI_API_KEY},
 * {@code NPU_WORKER_URL}, {@code EMBEDDINGS_URL}, {@code REDIS_URIS}, {@code REDIS_PASSWORD}).
 *
 * <pre>
 * java -jar examples/spring-sample/target/headroom-spring-sample.jar
 * curl -XPOST localhost:8080/chat -d 'why is the sky blue?'
 * curl -XPOST localhost:8080/embed -H 'Content-Type: application/json' -d '["a cat sits on the mat", "stocks fell"]'
 * curl localhost:8080/cached/report-42
 * curl -o page.png 'localhost:8080/screenshot?url=https://example.com/'
 * curl localhost:8080/actuator/health
 * </pre>
 */
@SpringBootApplication
public class SampleApplication {

  /** Starts the app. */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
