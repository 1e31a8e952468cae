/**
 * Spring's HTTP clients through Headroom ({@link dev.headroom.springhttp.HeadroomInterceptor}): a
 * {@code ClientHttpRequestInterceptor} for {@code RestClient} and {@code RestTemplate}, for applications without
 * Spring Cloud LoadBalancer. Its own module so that no library module depends on Spring.
 *
 * <p>Why an interceptor: it sees the request before any connection is made and the reply before the client's status
 * handling, so it can pick the endpoint, retry on another one (the router's rules and budget, not a second retry
 * layer) and give the client the last reply when every attempt failed, which keeps the client's own error types.
 * Replies are buffered only when they are not answers (to survive a retry); answers stream through untouched.
 */
package dev.headroom.springhttp;
