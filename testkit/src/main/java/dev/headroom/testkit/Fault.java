package dev.headroom.testkit;

/**
 * A failure a {@link FakeBackend} injects into a share of its requests.
 *
 * @param kind what happens
 * @param share the share of requests affected, in [0, 1]
 * @param status for {@link Kind#STATUS}, the HTTP status sent
 */
public record Fault(Kind kind, double share, int status) {

  /** What the backend does to an affected request. */
  public enum Kind {
    /** Replies with an error status and a JSON error body. */
    STATUS,
    /** Closes the connection without a reply, as a crashed worker or a reset would. */
    RESET,
    /** Never replies (until the backend is killed): a hung process. */
    STALL
  }

  /** Validates. */
  public Fault {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1] but was " + share);
    }
  }

  /** Replies {@code status} to a share of requests. */
  public static Fault status(int status, double share) {
    return new Fault(Kind.STATUS, share, status);
  }

  /** Resets a share of connections. */
  public static Fault reset(double share) {
    return new Fault(Kind.RESET, share, 0);
  }

  /** Stalls a share of requests. */
  public static Fault stall(double share) {
    return new Fault(Kind.STALL, share, 0);
  }
}
