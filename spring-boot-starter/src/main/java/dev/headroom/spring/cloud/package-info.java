/**
 * Spring Cloud LoadBalancer on Headroom's pools.
 *
 * <p>Each Spring Cloud client (a service id) gets {@code HeadroomServiceInstanceLoadBalancer} when a Headroom pool has
 * that name: a choice is a lease from the pool, handed over as a service instance that carries the lease, and a
 * {@code LoadBalancerLifecycle} completes the lease with the request's outcome (Spring Cloud calls it after each
 * request, with the reply's status or the error). That is how outcomes flow back without a second retry layer:
 * Spring Cloud's retry stays off, and a busy endpoint is skipped for its {@code Retry-After} on the next choice.
 */
package dev.headroom.spring.cloud;
