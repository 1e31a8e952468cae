package dev.headroom.core.time;

import java.time.Clock;

/**
 * A source of monotonic nanoseconds. Everything in Headroom that measures or waits reads time through a
 * {@code Ticker}, so tests and the fleet simulation can run on {@link VirtualTime} instead of the wall clock.
 *
 * <p>Like {@link System#nanoTime()}, a value only means something relative to another value of the same ticker.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current reading in nanoseconds. */
  long read();

  /** The ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }

  /**
   * A {@link Clock} whose instants advance with this ticker (epoch plus the ticker's reading), for libraries
   * such as resilience4j that take a {@code Clock}.
   */
  default Clock asClock() {
    return new TickerClock(this);
  }
}
