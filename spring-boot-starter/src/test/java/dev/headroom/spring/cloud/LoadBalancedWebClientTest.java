package dev.headroom.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.Pool;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerBeanPostProcessorAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * A {@code @LoadBalanced WebClient.Builder} (Spring Cloud's {@link ReactorLoadBalancerExchangeFilterFunction}, on
 * Reactor Netty) through a Headroom pool, with Spring Cloud's own auto-configuration, against real HTTP servers on
 * loopback: the outcome of each exchange reaches the pool as it does for the blocking clients.
 */
class LoadBalancedWebClientTest {
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    servers.forEach(server -> server.stop(0));
    executors.forEach(ExecutorService::shutdownNow);
  }

  private String server(String name, int status, String... headers) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      hits.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      byte[] body = (name + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    ExecutorService executor = Executors.newCachedThreadPool();
    executors.add(executor);
    server.setExecutor(executor);
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private int hits(String name) {
    AtomicInteger count = hits.get(name);
    return count == null ? 0 : count.get();
  }

  @Configuration(proxyBeanMethods = false)
  static class Clients {
    @Bean
    @LoadBalanced
    WebClient.Builder loadBalanced() {
      return WebClient.builder();
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class,
          HeadroomLoadBalancerAutoConfiguration.class, LoadBalancerAutoConfiguration.class,
          ReactorLoadBalancerClientAutoConfiguration.class, LoadBalancerBeanPostProcessorAutoConfiguration.class))
      .withUserConfiguration(Clients.class);

  @Test
  void aRequestToThePoolReachesAPoolEndpoint() throws IOException {
    runner.withPropertyValues(
            "headroom.pools.ollama.endpoints[0].id=gpu-1",
            "headroom.pools.ollama.endpoints[0].uri=" + server("gpu-1", 200),
            "headroom.pools.ollama.endpoints[0].max-concurrency=2",
            "headroom.pools.ollama.endpoints[1].id=gpu-2",
            "headroom.pools.ollama.endpoints[1].uri=" + server("gpu-2", 200),
            "headroom.pools.ollama.endpoints[1].max-concurrency=2")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(ReactorLoadBalancerExchangeFilterFunction.class);
          WebClient client = context.getBean(WebClient.Builder.class).build();
          for (int i = 0; i < 6; i++) {
            String body = client.get().uri("http://ollama/api/tags?i=" + i).retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
            assertThat(body).matches("gpu-[12] /api/tags\\?i=" + i);
          }
          assertThat(hits("gpu-1") + hits("gpu-2")).isEqualTo(6);
          Pool pool = context.getBean(HeadroomPools.class).get("ollama");
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pool.inFlight()).isZero());
        });
  }

  @Test
  void a503WithRetryAfterIsHandedBackAsBusy() throws IOException {
    runner.withPropertyValues(
            "headroom.pools.ollama.endpoints[0].id=busy",
            "headroom.pools.ollama.endpoints[0].uri=" + server("busy", 503, "Retry-After", "30"),
            "headroom.pools.ollama.endpoints[0].max-concurrency=4",
            "headroom.pools.ollama.endpoints[1].id=ok",
            "headroom.pools.ollama.endpoints[1].uri=" + server("ok", 200),
            "headroom.pools.ollama.endpoints[1].max-concurrency=4",
            "headroom.pools.ollama.picker=round-robin")
        .run(context -> {
          assertThat(context).hasNotFailed();
          WebClient client = context.getBean(WebClient.Builder.class).build();
          Pool pool = context.getBean(HeadroomPools.class).get("ollama");
          int answered = 0;
          for (int i = 0; i < 10; i++) {
            try {
              String body = client.get().uri("http://ollama/api/tags?i=" + i).retrieve().bodyToMono(String.class)
                  .block(Duration.ofSeconds(10));
              assertThat(body).isEqualTo("ok /api/tags?i=" + i);
              answered++;
            } catch (WebClientResponseException busy) {
              assertThat(busy.getStatusCode().value()).isEqualTo(503); // Spring Cloud does not retry: ours is one
            }
          }
          assertThat(hits("busy")).as("skipped for its Retry-After after its one 503").isEqualTo(1);
          assertThat(answered).isEqualTo(9);
          assertThat(pool.endpoint("busy").orElseThrow().isCoolingDown(pool.ticker().read()))
              .as("sitting out its Retry-After").isTrue();
          assertThat(pool.endpoint("busy").orElseThrow().ejections()).as("busy is not a failure").isZero();
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pool.inFlight()).isZero());
        });
  }
}
