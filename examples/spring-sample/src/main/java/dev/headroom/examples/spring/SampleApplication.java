package dev.headroom.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot app whose LLM router, browser pool and scaling rules come from {@code application.yml} alone. By
 * default (the {@code fakes} profile) it starts fakes on loopback in place of two Ollama nodes, a cloud API and the
 * pages to screenshot; the browser is a real headless Chromium ({@code /usr/bin/chromium}). With any other profile
 * it calls the URLs of {@code application.yml} ({@code OLLAMA_1_URL}, {@code OLLAMA_2_URL}, {@code CLOUD_URL},
 * {@code OPENAI_API_KEY}).
 *
 * <pre>
 * java -jar examples/spring-sample/target/headroom-spring-sample.jar
 * curl -XPOST localhost:8080/chat -d 'why is the sky blue?'
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
