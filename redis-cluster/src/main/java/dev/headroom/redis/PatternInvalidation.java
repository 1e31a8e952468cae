package dev.headroom.redis;

/**
 * What {@link TieredCache#invalidateMatching(String)} did.
 *
 * @param pattern the glob, as given (matched against the keys' text)
 * @param removed the L2 keys removed ({@code UNLINK}'s count over every master)
 * @param droppedFromL1 the entries dropped from this instance's L1
 * @param complete whether every slot was scanned: false when a master serving slots failed or did not answer (its
 *     matching keys may still be in L2 until their TTL; call again once it is back)
 * @param published whether the pattern invalidation reached the node serving the namespace's channel (when not, it
 *     is retried in the background)
 */
public record PatternInvalidation(String pattern, long removed, int droppedFromL1, boolean complete,
    boolean published) {

  /** Whether every master was scanned and the other instances were told: nothing is left to do. */
  public boolean ok() {
    return complete && published;
  }
}
