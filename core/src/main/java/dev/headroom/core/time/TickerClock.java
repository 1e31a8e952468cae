package dev.headroom.core.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A {@link Clock} view of a {@link Ticker}: {@code Instant.EPOCH} plus the ticker's nanoseconds. */
final class TickerClock extends Clock {
  private final Ticker ticker;
  private final ZoneId zone;

  TickerClock(Ticker ticker) {
    this(ticker, ZoneOffset.UTC);
  }

  private TickerClock(Ticker ticker, ZoneId zone) {
    this.ticker = ticker;
    this.zone = zone;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new TickerClock(ticker, zone);
  }

  @Override
  public Instant instant() {
    long nanos = ticker.read();
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  @Override
  public long millis() {
    return Math.floorDiv(ticker.read(), 1_000_000L);
  }
}
