package dev.headroom.core;

import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * A point in time on a {@link Ticker} by which something must happen. Immutable. {@link #none()} never expires.
 */
public final class Deadline {
  /** The least {@link #cap(Duration)} returns: a timeout that clients accept and that ends at once. */
  public static final Duration MIN_CAP = Duration.ofMillis(1);

  private static final Deadline NONE = new Deadline(null, Long.MAX_VALUE);
  /** What {@link #remaining()} says for a deadline that never expires. */
  public static final Duration NONE_REMAINING = Duration.ofDays(365);
  private static final long NONE_REMAINING_NANOS = NONE_REMAINING.toNanos();

  private final Ticker ticker;
  private final long atNanos;

  private Deadline(Ticker ticker, long atNanos) {
    this.ticker = ticker;
    this.atNanos = atNanos;
  }

  /** A deadline {@code timeout} from now on {@code ticker}; a negative timeout is already expired. */
  public static Deadline after(Duration timeout, Ticker ticker) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ticker, "ticker");
    long now = ticker.read();
    long nanos = saturatedNanos(timeout);
    long at = nanos > 0 && now + nanos < now ? Long.MAX_VALUE - 1 : now + nanos;
    return new Deadline(ticker, at);
  }

  /** A deadline that never expires. */
  public static Deadline none() {
    return NONE;
  }

  /** Whether this deadline can expire. */
  public boolean isFinite() {
    return ticker != null;
  }

  /** Nanoseconds left (negative once expired); {@code Long.MAX_VALUE} for {@link #none()}. */
  public long remainingNanos() {
    return ticker == null ? Long.MAX_VALUE : atNanos - ticker.read();
  }

  /**
   * The time left, never negative ({@link Duration#ZERO} once expired). For {@link #none()} this is
   * {@link #NONE_REMAINING} (a year), which HTTP clients accept as a timeout where {@code ChronoUnit.FOREVER}
   * would overflow.
   */
  public Duration remaining() {
    if (ticker == null) {
      return NONE_REMAINING;
    }
    long nanos = remainingNanos();
    return nanos <= 0 ? Duration.ZERO : nanos >= NONE_REMAINING_NANOS ? NONE_REMAINING : Duration.ofNanos(nanos);
  }

  /**
   * What one attempt's call may take: the smaller of {@code perCall} and {@link #remaining()}, and never less than
   * {@link #MIN_CAP} (1 ms). Give it to the HTTP client (or socket) of each attempt, so a retry never gets a fresh
   * full timeout that overruns the request's. It is never zero because clients read a zero timeout as an error
   * (the JDK's {@code HttpRequest.Builder.timeout}) or, worse, as no timeout at all (OkHttp, socket
   * {@code SO_TIMEOUT}); once the deadline has passed the router's watchdog ends the call anyway.
   */
  public Duration cap(Duration perCall) {
    Objects.requireNonNull(perCall, "perCall");
    Duration left = remaining();
    Duration capped = perCall.compareTo(left) <= 0 ? perCall : left;
    return capped.compareTo(MIN_CAP) < 0 ? MIN_CAP : capped;
  }

  /** Whether the deadline has passed. */
  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /** The earlier of this deadline and {@code timeout} from now on {@code ticker}. */
  public Deadline atMost(Duration timeout, Ticker ticker) {
    Deadline other = after(timeout, ticker);
    return other.remainingNanos() < remainingNanos() ? other : this;
  }

  @Override
  public String toString() {
    return ticker == null ? "Deadline.none()" : "Deadline{" + Duration.ofNanos(remainingNanos()) + " left}";
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException overflow) {
      return duration.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }
}
