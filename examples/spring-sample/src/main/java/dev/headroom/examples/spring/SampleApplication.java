package dev.headroom.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot app whose pools, router and scaling rules come from {@code application.yml} alone. By default
 * (the {@code fakes} profile) it starts fake backends on loopback in place of two Ollama nodes and a cloud API;
 * with any other profile it calls the URLs of {@code application.yml} ({@code OLLAMA_1_URL}, {@code OLLAMA_2_URL},
 * {@code CLOUD_URL}).
 *
 * <pre>
 * java -jar examples/spring-sample/target/headroom-spring-sample.jar
 * curl -XPOST localhost:8080/chat -d 'why is the sky blue?'
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
