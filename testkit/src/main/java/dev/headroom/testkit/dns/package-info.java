/**
 * A real DNS server for the discovery tests: {@link dev.headroom.testkit.dns.DnsmasqFixture} runs Debian's
 * {@code dnsmasq} on a free loopback port with records a test sets and changes while it runs (A, AAAA, SRV; a fixed
 * TTL), and stops it to make resolution fail.
 */
package dev.headroom.testkit.dns;
