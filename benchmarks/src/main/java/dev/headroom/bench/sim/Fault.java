package dev.headroom.bench.sim;

import java.time.Duration;

/**
 * A fault on one backend's timeline, active from {@code from} (inclusive) to {@code to} (exclusive).
 *
 * @param kind what goes wrong
 * @param backend the backend id
 * @param from when it starts, from the start of the run
 * @param to when it ends
 * @param value the slowdown factor, or the share of calls that fail
 */
record Fault(Kind kind, String backend, Duration from, Duration to, double value) {

  /** What goes wrong. */
  enum Kind {
    /** Service times are multiplied by {@code value}. */
    SLOWDOWN,
    /** The process is gone: calls in progress are reset, new connections are refused. */
    DOWN,
    /** A share {@code value} of the calls started in the window fail with HTTP 500, early in their service. */
    FAIL_SHARE
  }

  static Fault slowdown(String backend, Duration from, Duration to, double factor) {
    return new Fault(Kind.SLOWDOWN, backend, from, to, factor);
  }

  static Fault down(String backend, Duration from, Duration to) {
    return new Fault(Kind.DOWN, backend, from, to, 1);
  }

  static Fault failShare(String backend, Duration from, Duration to, double share) {
    return new Fault(Kind.FAIL_SHARE, backend, from, to, share);
  }

  boolean activeAt(long nanos) {
    return nanos >= from.toNanos() && nanos < to.toNanos();
  }

  String describe() {
    String window = fmt(from) + "–" + fmt(to);
    return switch (kind) {
      case SLOWDOWN -> "`" + backend + "` ×" + trim(value) + " slower " + window;
      case DOWN -> "`" + backend + "` down (resets, then refuses connections) " + window;
      case FAIL_SHARE -> "`" + backend + "` fails " + Math.round(value * 100) + "% of calls (HTTP 500) " + window;
    };
  }

  static String fmt(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }

  static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
