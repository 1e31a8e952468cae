package dev.headroom.spring.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.EndpointState;
import dev.headroom.core.Pool;
import dev.headroom.llm.LlmRouter;
import dev.headroom.llm.NodeStatus;
import dev.headroom.spring.HeadroomAutoConfiguration;
import dev.headroom.spring.HeadroomPools;
import dev.headroom.spring.actuate.HeadroomHealthAutoConfiguration;
import dev.headroom.spring.actuate.PoolHealthIndicator;
import dev.headroom.spring.llm.HeadroomLlmAutoConfiguration;
import dev.headroom.testkit.dns.DnsmasqFixture;
import dev.headroom.testkit.llm.FakeOllama;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

/**
 * {@code discovery} blocks in the starter (issue 14 item 5): a real DNS server (dnsmasq), fabric8's mock API server
 * in CRUD mode and Spring Cloud's own simple {@code DiscoveryClient} feed pools and the LLM router while the
 * application runs.
 */
@EnableKubernetesMockClient(crud = true)
class DiscoveryAutoConfigurationTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static DnsmasqFixture dns;

  KubernetesClient client;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeadroomAutoConfiguration.class, HeadroomHealthAutoConfiguration.class))
      .withBean(SimpleMeterRegistry.class);

  @BeforeAll
  static void startDns() {
    dns = DnsmasqFixture.builder().ttl(Duration.ofSeconds(1)).start();
  }

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  private static Set<String> ids(Pool pool) {
    Set<String> ids = new TreeSet<>();
    pool.endpoints().forEach(state -> ids.add(state.id()));
    return ids;
  }

  @Test
  void aPoolWithoutEndpointsFollowsItsDnsRecordsAndRampsUpTheMembersItAdds() {
    dns.addresses("workers.test", "127.0.0.21");
    runner.withPropertyValues(
            "headroom.pools.workers.discovery.dns.name=workers.test",
            "headroom.pools.workers.discovery.dns.port=8080",
            "headroom.pools.workers.discovery.dns.servers[0]=127.0.0.1:" + dns.port(),
            "headroom.pools.workers.discovery.dns.min-refresh=100ms",
            "headroom.pools.workers.discovery.max-concurrency=3",
            "headroom.pools.workers.discovery.drain-timeout=0s",
            "headroom.pools.workers.slow-start=10m")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Pool pool = context.getBean(HeadroomPools.class).get("workers");
          await().atMost(BOUND).until(() -> ids(pool).equals(Set.of("127.0.0.21:8080")));
          EndpointState first = pool.endpoint("127.0.0.21:8080").orElseThrow();
          assertThat(first.limit()).isEqualTo(3);
          assertThat(first.endpoint().uri()).isEqualTo(URI.create("http://127.0.0.21:8080"));

          dns.addresses("workers.test", "127.0.0.21", "127.0.0.22"); // the HPA added a pod
          await().atMost(BOUND).until(() -> ids(pool).equals(Set.of("127.0.0.21:8080", "127.0.0.22:8080")));
          assertThat(endpointHealth(pool, "127.0.0.22:8080")).as("the member the HPA added ramps up")
              .containsEntry("warming", true).containsEntry("draining", false);
          assertThat(endpointHealth(pool, "127.0.0.21:8080")).as("every member of a pool started empty joined at run time")
              .containsEntry("warming", true);

          dns.addresses("workers.test", "127.0.0.22"); // and removed the first
          await().atMost(BOUND).until(() -> ids(pool).equals(Set.of("127.0.0.22:8080")));
        });
  }

  /** The pool's health indicator's details of one endpoint. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> endpointHealth(Pool pool, String id) {
    Map<String, Object> endpoints = (Map<String, Object>) new PoolHealthIndicator(pool).health().getDetails()
        .get("endpoints");
    return (Map<String, Object>) endpoints.get(id);
  }

  @Test
  void aPoolFollowsTheEndpointSlicesOfAKubernetesServiceThroughTheApplicationsClient() {
    client.discovery().v1().endpointSlices().inNamespace("ai").resource(slice(
        endpoint("ollama-0", "10.0.0.1", true), endpoint("ollama-1", "10.0.0.2", true))).create();
    runner.withBean(KubernetesClient.class, () -> client)
        .withPropertyValues(
            "headroom.pools.ollama.discovery.kubernetes.service=ollama",
            "headroom.pools.ollama.discovery.kubernetes.namespace=ai",
            "headroom.pools.ollama.discovery.max-concurrency=4",
            "headroom.pools.ollama.discovery.drain-timeout=0s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Pool pool = context.getBean(HeadroomPools.class).get("ollama");
          await().atMost(BOUND).until(() -> ids(pool).equals(Set.of("ollama-0", "ollama-1")));

          // ollama-1 is terminating: drained, then removed (nothing in flight)
          client.discovery().v1().endpointSlices().inNamespace("ai").resource(slice(
              endpoint("ollama-0", "10.0.0.1", true), endpoint("ollama-1", "10.0.0.2", false))).update();
          await().atMost(BOUND).until(() -> ids(pool).equals(Set.of("ollama-0")));
        });
  }

  @Test
  void theLlmRouterTakesItsNodesFromSpringCloudsDiscoveryClient() {
    try (FakeOllama a = FakeOllama.builder("a").loaded("llama3.2").start();
        FakeOllama b = FakeOllama.builder("b").loaded("llama3.2").start()) {
      runner.withConfiguration(AutoConfigurations.of(HeadroomLlmAutoConfiguration.class,
              UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class))
          .withPropertyValues(
              "spring.cloud.discovery.client.simple.instances.ollama[0].instance-id=a",
              "spring.cloud.discovery.client.simple.instances.ollama[0].uri=" + a.uri(),
              "headroom.llm.name=chat",
              "headroom.llm.health-check-interval=0s", // probes off
              "headroom.llm.discovery.spring-cloud.service-id=ollama",
              "headroom.llm.discovery.spring-cloud.refresh=100ms",
              "headroom.llm.discovery.max-concurrency=2",
              "headroom.llm.discovery.drain-timeout=0s")
          .run(context -> {
            assertThat(context).hasNotFailed();
            LlmRouter router = context.getBean(LlmRouter.class);
            await().atMost(BOUND).until(() -> localNodes(router).equals(Set.of("a")));
            assertThat(router.fleet()).filteredOn(s -> s.id().equals("a")).singleElement()
                .satisfies(s -> assertThat(s.limit()).isEqualTo(2));

            SimpleDiscoveryProperties simple = context.getBean(SimpleDiscoveryProperties.class);
            simple.setInstances(Map.of("ollama", List.of(instance("a", a.uri()), instance("b", b.uri()))));
            await().atMost(BOUND).until(() -> localNodes(router).equals(Set.of("a", "b")));

            simple.setInstances(Map.of("ollama", List.of(instance("b", b.uri()))));
            await().atMost(BOUND).until(() -> localNodes(router).equals(Set.of("b")));
          });
    }
  }

  private static InstanceProperties instance(String id, URI uri) {
    InstanceProperties instance = new InstanceProperties();
    instance.setInstanceId(id);
    instance.setServiceId("ollama");
    instance.setUri(uri);
    return instance;
  }

  private static Set<String> localNodes(LlmRouter router) {
    Set<String> ids = new TreeSet<>();
    router.fleet().stream().filter(s -> s.tier().equals(LlmRouter.LOCAL)).map(NodeStatus::id).forEach(ids::add);
    return ids;
  }

  @Test
  void twoSourcesInOneBlockFailStartupNamingBoth() {
    runner.withPropertyValues(
            "headroom.pools.workers.discovery.dns.name=workers.test",
            "headroom.pools.workers.discovery.dns.port=8080",
            "headroom.pools.workers.discovery.spring-cloud.service-id=workers")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("headroom.pools.workers.discovery")
            .hasMessageContaining("dns and spring-cloud"));
  }

  @Test
  void aPoolWithNeitherEndpointsNorASourceSaysSo() {
    runner.withPropertyValues("headroom.pools.workers.tier=local")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("headroom.pools.workers.endpoints")
            .hasMessageContaining("discovery"));
  }

  @Test
  void aBadRecordTypeNamesItsProperty() {
    runner.withPropertyValues(
            "headroom.pools.workers.discovery.dns.name=workers.test",
            "headroom.pools.workers.discovery.dns.records=mx")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("headroom.pools.workers.discovery.dns.records"));
  }

  private static EndpointSlice slice(Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withName("ollama-abc").withNamespace("ai")
        .addToLabels("kubernetes.io/service-name", "ollama").endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(11434).withProtocol("TCP").endPort()
        .withEndpoints(new ArrayList<>(List.of(endpoints)))
        .build();
  }

  private static Endpoint endpoint(String pod, String ip, boolean ready) {
    return new EndpointBuilder().withAddresses(ip)
        .withNewConditions().withReady(ready).withServing(ready).withTerminating(!ready).endConditions()
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(pod).withNamespace("ai").build())
        .build();
  }
}
