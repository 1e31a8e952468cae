/**
 * The JDK's {@link java.net.http.HttpClient} through a Headroom router ({@link dev.headroom.core.http.HeadroomHttp}):
 * the plain-Java way to call HTTP backends with least-loaded picking, admission, retries and deadlines.
 *
 * <p>Why a helper and not only {@code Router.execute}: written by hand, a call through the router has three easy
 * mistakes, each seen in a new user's first client: a {@code 503} returned as a normal response is recorded as a
 * success (the endpoint keeps getting work while it says it is full), every attempt gets the full HTTP timeout (a
 * retry overruns the request's deadline), and a call still running at the deadline is not cancelled. The helper
 * classifies the status the way core's {@link dev.headroom.core.route.FailureClassifier} reads a
 * {@link dev.headroom.core.BackendException} (429/503 busy with {@code Retry-After}, other 4xx rejected, 5xx
 * failed), sets each attempt's timeout from the deadline, and cancels the exchange through {@code Lease.onAbort}.
 * It uses only the JDK, so core keeps its dependencies.
 */
package dev.headroom.core.http;
