package dev.headroom.scaling;

import dev.headroom.core.time.VirtualTime;
import io.micrometer.core.instrument.Clock;

/** A Micrometer clock that reads virtual time, so registries' rolling windows move with the test. */
final class VirtualMicrometerClock implements Clock {
  private final VirtualTime time;

  VirtualMicrometerClock(VirtualTime time) {
    this.time = time;
  }

  @Override
  public long wallTime() {
    return time.read() / 1_000_000L;
  }

  @Override
  public long monotonicTime() {
    return time.read();
  }
}
