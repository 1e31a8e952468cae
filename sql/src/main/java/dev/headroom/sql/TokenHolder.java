package dev.headroom.sql;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one thread's or one scope's read-your-writes state lives: the latest commit position to read after (0: none)
 * and the number of primary connections still open whose writes have no position yet. While that number is above
 * zero, reads go to the primary: the write may have committed, and its position is only taken when the connection
 * is released.
 */
final class TokenHolder {
  private final AtomicLong position;
  private final AtomicInteger openWrites = new AtomicInteger();

  TokenHolder(long start) {
    this.position = new AtomicLong(start);
  }

  /** The position reads must see, 0 for none. */
  long position() {
    return position.get();
  }

  int openWrites() {
    return openWrites.get();
  }

  void writeOpened() {
    openWrites.incrementAndGet();
  }

  /** A write connection was released; {@code committedUpTo} is its position, or 0 when none was taken. */
  void writeClosed(long committedUpTo) {
    advance(committedUpTo);
    openWrites.decrementAndGet();
  }

  /** Moves the position forward to {@code to} if that is later. */
  void advance(long to) {
    if (to != 0) {
      position.accumulateAndGet(to, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }
  }
}
