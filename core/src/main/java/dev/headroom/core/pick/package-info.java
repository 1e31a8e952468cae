/**
 * The pickers a {@link dev.headroom.core.Pool} can use to choose an endpoint, and the SPI
 * ({@link dev.headroom.core.Picker}, {@link dev.headroom.core.pick.CostFunction},
 * {@link dev.headroom.core.pick.RandomSource}) for writing one. {@link dev.headroom.core.pick.Pickers} is the only
 * way in: the implementations are package-private.
 *
 * <h2>The pick path</h2>
 * A picker reads an immutable {@link dev.headroom.core.Snapshot} of the eligible endpoints and returns an index; the
 * pool then reserves a slot on that endpoint with one CAS and picks again if it lost a race for the last slot. So
 * a picker takes no lock and allocates nothing, and the measured cost of a pick plus its completion is in
 * {@code benchmarks/RESULTS.md} ({@code PickBenchmark}).
 *
 * <h2>Why power of two choices on expected delay</h2>
 * The default, {@link dev.headroom.core.pick.Pickers#powerOfTwoChoices()}, samples two endpoints and takes the one
 * with the lower {@link dev.headroom.core.EndpointState#expectedDelayCost(long) expected delay}: Mitzenmacher's
 * two choices give most of the benefit of a full scan at a constant cost, and sampling avoids the herd that a
 * strict least-loaded choice sends to one endpoint between two updates. When neither sample can take the request a
 * full scan runs, so a request is refused only when no endpoint can take it.
 *
 * <p>The cost is {@code (1 + inFlight / limit) × meanLatency × (1 + 4 × failureRate) / weight}. In-flight counts
 * as a share of the endpoint's parallel slots: for a one-slot endpoint this is Finagle's
 * {@code (inFlight + 1) × latency}; for one that serves {@code limit} calls at once, a busy slot delays a new call
 * far less. The failure term keeps an endpoint that fails fast from looking attractive just because its errors
 * come back quickly. The latency is never below the age of the oldest call in flight, so an endpoint that stalls
 * shows it at once, before any reply.
 *
 * <p>Why the mean and not the peak EWMA (Finagle's and Linkerd's choice, still available as
 * {@link dev.headroom.core.EndpointState#peakEwmaCost(long)}): when service times vary a lot (LLM generations do),
 * the peak EWMA of a fast endpoint sits near its slowest recent reply, so a 3× slower endpoint looks only about
 * 1.5× slower and keeps getting calls. The peak suits endpoints whose service times vary little, where a slower
 * reply means a slower endpoint.
 *
 * <h2>Slow start</h2>
 * Pickers and cost functions need not know about slow start: the pool applies it around them (it draws by
 * effective weight and lets the picker choose among the endpoints that are not ramping; see
 * {@link dev.headroom.core.SlowStart}), so a custom picker or cost function respects it too.
 */
package dev.headroom.core.pick;
