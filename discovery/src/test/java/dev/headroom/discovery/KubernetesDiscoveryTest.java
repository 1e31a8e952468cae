package dev.headroom.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.ConfigException;
import dev.headroom.core.discovery.DiscoveredMember;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * KubernetesDiscovery against fabric8's mock API server in CRUD mode: EndpointSlices are created, changed and
 * deleted through the API, and the source follows them through its informer's list and watch.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {
  private static final String NAMESPACE = "ai";
  private static final Duration WAIT = Duration.ofSeconds(10);

  KubernetesClient client;
  private KubernetesDiscovery source;

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  @Test
  void followsTheServicesSlicesThroughCreateChangeAndDelete() {
    create(slice("other-xyz", "other", endpoint("other-0", "10.0.9.1", true, null, null)));
    create(slice("ollama-abc", "ollama",
        endpoint("ollama-0", "10.0.0.1", true, true, false),
        endpoint("ollama-1", "10.0.0.2", true, true, false)));
    source = KubernetesDiscovery.builder().client(client).namespace(NAMESPACE).service("ollama").portName("http")
        .build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);

    await().atMost(WAIT).until(() -> Set.of("ollama-0", "ollama-1").equals(listener.ids()));
    assertThat(listener.byId().get("ollama-0")).isEqualTo(new DiscoveredMember("ollama-0",
        URI.create("http://10.0.0.1:11434"), Map.of("zone", "zone-a", "node", "node-ollama-0"), true));

    // scale up: a third pod, ready
    update(slice("ollama-abc", "ollama",
        endpoint("ollama-0", "10.0.0.1", true, true, false),
        endpoint("ollama-1", "10.0.0.2", true, true, false),
        endpoint("ollama-2", "10.0.0.3", true, true, false)));
    await().atMost(WAIT).until(() -> Set.of("ollama-0", "ollama-1", "ollama-2").equals(listener.ids()));
    assertThat(listener.latest()).allMatch(DiscoveredMember::serving);

    // scale down: ollama-1 is terminating, still serving its in-flight work; a fourth pod starts, not ready yet
    update(slice("ollama-abc", "ollama",
        endpoint("ollama-0", "10.0.0.1", true, true, false),
        endpoint("ollama-1", "10.0.0.2", false, true, true),
        endpoint("ollama-2", "10.0.0.3", true, true, false),
        endpoint("ollama-3", "10.0.0.4", false, false, false)));
    await().atMost(WAIT).until(() -> !listener.byId().get("ollama-1").serving());
    assertThat(listener.ids()).containsExactly("ollama-0", "ollama-1", "ollama-2");
    assertThat(listener.byId().get("ollama-0").serving()).isTrue();
    assertThat(listener.byId().get("ollama-2").serving()).isTrue();

    // the slice is deleted: its members are gone
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("ollama-abc").delete();
    await().atMost(WAIT).until(() -> listener.latest().isEmpty());

    assertThat(listener.sets).noneMatch(set -> set.stream().anyMatch(m -> m.id().startsWith("other")));
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void membersComeFromEverySliceOfTheServiceAndNoSlicesIsAnEmptySet() {
    source = KubernetesDiscovery.builder().client(client).namespace(NAMESPACE).service("embed").build();
    RecordingListener listener = new RecordingListener();
    source.start(listener);
    await().atMost(WAIT).until(() -> listener.latest() != null);
    assertThat(listener.latest()).isEmpty(); // the API server says there are none

    // two slices; the Service has one unnamed port; endpoints without a pod are known by ip:port
    create(onePortSlice("embed-1", "embed", endpointWithoutPod("10.0.1.1")));
    create(onePortSlice("embed-2", "embed", endpointWithoutPod("10.0.1.2")));
    await().atMost(WAIT).until(() -> Set.of("10.0.1.1:11434", "10.0.1.2:11434").equals(listener.ids()));
    assertThat(listener.byId().get("10.0.1.2:11434").uri()).isEqualTo(URI.create("http://10.0.1.2:11434"));

    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("embed-1").delete();
    await().atMost(WAIT).until(() -> Set.of("10.0.1.2:11434").equals(listener.ids()));
    assertThat(listener.errors).isEmpty();
  }

  @Test
  void theBuilderRejectsWhatCannotWork() {
    assertThatThrownBy(() -> KubernetesDiscovery.builder().service("x").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("client"));
    assertThatThrownBy(() -> KubernetesDiscovery.builder().client(client).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("service"));
    assertThatThrownBy(() -> KubernetesDiscovery.builder().client(client).service("x").portName(" ").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("portName"));
  }

  private void create(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).create();
  }

  private void update(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).update();
  }

  /** A slice with two ports, {@code http} (11434) and {@code metrics} (9090). */
  static EndpointSlice slice(String name, String service, Endpoint... endpoints) {
    return new EndpointSliceBuilder(onePortSlice(name, service, endpoints))
        .editFirstPort().withName("http").endPort()
        .addNewPort().withName("metrics").withPort(9090).withProtocol("TCP").endPort()
        .build();
  }

  /** A slice with one unnamed port, 11434, as the slices of a Service with a single port have. */
  static EndpointSlice onePortSlice(String name, String service, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE)
        .addToLabels(KubernetesDiscovery.SERVICE_NAME_LABEL, service).endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("").withPort(11434).withProtocol("TCP").endPort()
        .withEndpoints(new ArrayList<>(List.of(endpoints)))
        .build();
  }

  static Endpoint endpoint(String pod, String ip, Boolean ready, Boolean serving, Boolean terminating) {
    return new EndpointBuilder().withAddresses(ip)
        .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(pod).withNamespace(NAMESPACE).build())
        .withNodeName("node-" + pod).withZone("zone-a")
        .build();
  }

  static Endpoint endpointWithoutPod(String ip) {
    return new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions().build();
  }
}
