package dev.headroom.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.core.Pool;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * A {@code @LoadBalanced RestClient.Builder}, with Spring Cloud LoadBalancer's own auto-configuration, through a
 * Headroom pool (issue 15 item 3), against real HTTP servers on loopback.
 */
class LoadBalancerAutoConfigurationTest {
  private final List<HttpServer> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    servers.forEach(server -> server.stop(0));
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
    server.setExecutor(Executors.newCachedThreadPool());
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
    RestClient.Builder loadBalanced() {
      return RestClient.builder().requestFactory(new JdkClientHttpRequestFactory());
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class,
          HeadroomLoadBalancerAutoConfiguration.class,
          org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
          LoadBalancerAutoConfiguration.class, BlockingLoadBalancerClientAutoConfiguration.class))
      .withUserConfiguration(Clients.class);

  @Test
  void aLoadBalancedRestClientGoesThroughTheHeadroomPoolAndItsOutcomesReachThePool() throws IOException {
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
          RestClient client = context.getBean(RestClient.Builder.class).build();
          int answered = 0;
          for (int i = 0; i < 10; i++) {
            try {
              String body = client.get().uri("http://ollama/api/tags?i=" + i).retrieve().body(String.class);
              assertThat(body).isEqualTo("ok /api/tags?i=" + i);
              answered++;
            } catch (org.springframework.web.client.HttpServerErrorException busy) {
              assertThat(busy.getStatusCode().value()).isEqualTo(503); // Spring Cloud does not retry: ours is one
            }
          }
          assertThat(hits("busy")).as("skipped for its Retry-After after its one 503").isEqualTo(1);
          assertThat(answered).isEqualTo(9);
          Pool pool = context.getBean(HeadroomPools.class).get("ollama");
          assertThat(pool.inFlight()).as("every lease ended").isZero();
          assertThat(pool.endpoint("busy").orElseThrow().ejections()).as("busy is not a failure").isZero();
        });
  }
}
