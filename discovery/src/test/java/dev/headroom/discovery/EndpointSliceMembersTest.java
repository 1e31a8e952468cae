package dev.headroom.discovery;

import static dev.headroom.discovery.KubernetesDiscoveryTest.endpoint;
import static dev.headroom.discovery.KubernetesDiscoveryTest.endpointWithoutPod;
import static dev.headroom.discovery.KubernetesDiscoveryTest.onePortSlice;
import static dev.headroom.discovery.KubernetesDiscoveryTest.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.discovery.DiscoveredMember;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How EndpointSlices become members, without an API server. */
class EndpointSliceMembersTest {

  @Test
  void conditionsMapToServingDrainingOrAbsent() {
    EndpointSlice slice = slice("s", "svc",
        endpoint("ready", "10.0.0.1", true, true, false),
        endpoint("unset", "10.0.0.2", null, null, null),               // unknown reads as ready, not terminating
        endpoint("draining", "10.0.0.3", false, true, true),
        endpoint("terminated", "10.0.0.4", false, false, true),
        endpoint("starting", "10.0.0.5", false, false, false),
        endpoint("failing-probe", "10.0.0.6", false, true, false));

    List<DiscoveredMember> members = EndpointSliceMembers.of(List.of(slice), "http", "http");

    assertThat(members).extracting(DiscoveredMember::id)
        .containsExactly("draining", "ready", "terminated", "unset");
    assertThat(members).filteredOn(DiscoveredMember::serving).extracting(DiscoveredMember::id)
        .containsExactly("ready", "unset");
  }

  @Test
  void thePortIsTheNamedOneOrTheOnlyOne() {
    EndpointSlice twoPorts = slice("s", "svc", endpoint("p", "10.0.0.1", true, true, false));
    assertThat(EndpointSliceMembers.of(List.of(twoPorts), "metrics", "http")).extracting(DiscoveredMember::uri)
        .containsExactly(URI.create("http://10.0.0.1:9090"));
    assertThat(EndpointSliceMembers.of(List.of(twoPorts), "grpc", "http")).isEmpty(); // no such port
    assertThat(EndpointSliceMembers.of(List.of(twoPorts), null, "http")).isEmpty();   // which one?

    EndpointSlice onePort = onePortSlice("o", "svc", endpointWithoutPod("10.0.0.2"));
    assertThat(EndpointSliceMembers.of(List.of(onePort), null, "https")).containsExactly(DiscoveredMember.of(
        "10.0.0.2:11434", URI.create("https://10.0.0.2:11434")));
  }

  @Test
  void aPodInTwoSlicesIsOneMemberServingWinsThenIpv4() {
    EndpointSlice v4Draining = slice("a", "svc", endpoint("pod", "10.0.0.1", false, true, true));
    EndpointSlice v6Ready = new EndpointSliceBuilder(slice("b", "svc", endpoint("pod", "fd00::1", true, true, false)))
        .withAddressType("IPv6").build();
    assertThat(EndpointSliceMembers.of(List.of(v4Draining, v6Ready), "http", "http")).singleElement()
        .satisfies(member -> {
          assertThat(member.serving()).isTrue();
          assertThat(member.uri()).isEqualTo(URI.create("http://[fd00::1]:11434"));
        });

    EndpointSlice v4Ready = slice("c", "svc", endpoint("pod", "10.0.0.1", true, true, false));
    assertThat(EndpointSliceMembers.of(List.of(v6Ready, v4Ready), "http", "http")).singleElement()
        .extracting(DiscoveredMember::uri).isEqualTo(URI.create("http://10.0.0.1:11434"));
  }

  @Test
  void anEndpointWithoutAddressesIsSkipped() {
    EndpointSlice slice = slice("s", "svc", new EndpointBuilder().withNewConditions().withReady(true).endConditions()
        .build());
    assertThat(EndpointSliceMembers.of(List.of(slice), "http", "http")).isEmpty();
  }
}
