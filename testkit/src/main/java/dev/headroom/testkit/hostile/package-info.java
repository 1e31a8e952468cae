/**
 * Backends that misbehave on purpose, for tests that check Headroom's contracts: a deadline holds whatever the
 * backend does, and a malformed reply is an error, never an answer. {@link dev.headroom.testkit.hostile.HostileServer}
 * is one raw-socket HTTP/1.1 server with a {@link dev.headroom.testkit.hostile.Misbehaviour} per path prefix, so
 * every module's tests meet the same hostile servers (and the benchmarks' chaos soak uses them too).
 */
package dev.headroom.testkit.hostile;
