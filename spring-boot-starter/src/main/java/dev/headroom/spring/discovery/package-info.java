/**
 * The {@code discovery} blocks of the starter: {@code headroom.pools.<name>.discovery.*} and the same block under
 * {@code headroom.llm}, {@code headroom.npu}, {@code headroom.browser} and {@code headroom.sql}.
 *
 * <p>Each block names one source ({@link dev.headroom.spring.discovery.DiscoveryProperties}): DNS and Kubernetes
 * EndpointSlices from {@code headroom-discovery} (optional dependencies, touched only when a block sets them, so an
 * application without them never loads their classes), or Spring Cloud's {@code DiscoveryClient}
 * ({@link dev.headroom.spring.discovery.SpringCloudDiscovery}, a poll of the application's own client: Kubernetes,
 * Consul, Eureka or the simple one). {@link dev.headroom.spring.discovery.HeadroomDiscovery} builds the source and a
 * core {@code MembershipSync} onto the facade's membership view; with a source, the static list may be empty and the
 * facade starts empty. Each facade's syncs are a {@link dev.headroom.spring.discovery.DiscoverySyncs} bean that
 * depends on the facade, so Spring stops the syncs before it closes the facade (no member added to a closed pool).
 */
package dev.headroom.spring.discovery;
