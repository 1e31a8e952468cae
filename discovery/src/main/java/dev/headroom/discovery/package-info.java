/**
 * Discovery sources beyond core's static list: {@link dev.headroom.discovery.DnsDiscovery} (A/AAAA or SRV records
 * re-resolved on their TTL, with dnsjava rather than the JVM's {@code InetAddress} cache) and
 * {@link dev.headroom.discovery.KubernetesDiscovery} (a Service's EndpointSlices, watched with the fabric8 client;
 * ready, serving and terminating conditions map to serving and draining members).
 *
 * <p>Both implement core's {@code DiscoverySource} and keep its contract: the listener gets the whole set, only
 * when it changed; a failed lookup is reported as an error and never as an empty set. What to do with the sets
 * (add, drain, remove members of a facade) is core's {@code MembershipSync}, not this module's.
 *
 * <p>Why two design choices: a DNS answer without records is a failure by default, not "scale to zero" (see
 * {@code DnsDiscovery}: draining a fleet over a typo or a DNS server that lost its data is worse than keeping it),
 * and fabric8 is an optional dependency of this module (some twenty jars that a DNS-only user should not carry).
 */
package dev.headroom.discovery;
