/**
 * Membership at run time: where a facade learns its members ({@link dev.headroom.core.discovery.DiscoverySource}:
 * {@link dev.headroom.core.discovery.StaticDiscovery} here, DNS and Kubernetes in {@code headroom-discovery}), what
 * a facade offers to be changed ({@link dev.headroom.core.discovery.MembershipTarget}; a core pool through
 * {@link dev.headroom.core.discovery.PoolMembership}), and the one piece that turns the sets a source reports into
 * adds, drains, resumes and removals ({@link dev.headroom.core.discovery.MembershipSync}).
 *
 * <h2>Why a sync between them</h2>
 * Sources report whole sets and know nothing of drains; targets add, drain and remove and know nothing of sources.
 * The diff, the drain timeout (removal when the member's work has finished, or after the timeout, whichever is
 * first), the resume of a member that comes back, the error counting and the metrics
 * ({@link dev.headroom.core.discovery.DiscoveryMetricNames}) are written once, in the sync, and every facade gets
 * the same behaviour. The sync applies everything (reports, drain completions, timeouts) one task at a time on one
 * thread, so no two changes race and a slow removal only delays the next one.
 *
 * <h2>Failures</h2>
 * A failed lookup never empties a target: the source reports the error and the sync keeps the last set, counts
 * it in {@code headroom.discovery.errors} and logs it at most once a minute. A change the target refuses (a bad
 * URI, say) is logged and tried again at the next report. Logs name members by id, never by URI.
 */
package dev.headroom.core.discovery;
