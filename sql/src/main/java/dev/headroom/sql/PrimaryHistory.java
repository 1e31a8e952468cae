package dev.headroom.sql;

/**
 * The primary's WAL positions as the probes saw them, with the time each was first seen, so that a replica's lag
 * can be measured as time without trusting {@code now() - pg_last_xact_replay_timestamp()}: that grows on an idle
 * primary even when the replica is fully caught up, and it jumps to "hours" at the first write after a quiet night.
 *
 * <p>Here a replica that has replayed position {@code R} lags by {@code now - t}, where {@code t} is when the
 * primary was first seen past {@code R}: the replica has been missing data that existed on the primary since then.
 * A caught-up replica lags zero however idle the primary is. The figure is a lower bound, low by at most one probe
 * interval. A bounded ring keeps the last {@value #CAPACITY} distinct positions; older ones fold into the oldest
 * kept, which keeps the bound a lower bound. Thread-safe.
 */
final class PrimaryHistory {
  static final int CAPACITY = 512;

  private final long[] positions = new long[CAPACITY];
  private final long[] seenAt = new long[CAPACITY];
  private int start;
  private int size;

  /** Records that the primary was at {@code position} at {@code now} (ticker nanos). Ignores non-advances. */
  synchronized void record(long position, long now) {
    if (size > 0 && Long.compareUnsigned(position, positions[index(size - 1)]) <= 0) {
      return;
    }
    if (size == CAPACITY) {
      start = (start + 1) % CAPACITY;
      size--;
    }
    int i = index(size);
    positions[i] = position;
    seenAt[i] = now;
    size++;
  }

  /** The latest primary position seen, or -1 before the first sample. */
  synchronized long latest() {
    return size == 0 ? -1 : positions[index(size - 1)];
  }

  /** WAL bytes the primary is ahead of {@code replayed} (0 when caught up or unknown). */
  synchronized long bytesBehind(long replayed) {
    long latest = latest();
    if (size == 0 || replayed < 0 || Long.compareUnsigned(replayed, latest) >= 0) {
      return 0;
    }
    return latest - replayed;
  }

  /** How long a replica that has replayed {@code replayed} has been behind, at {@code now}: 0 when caught up. */
  synchronized long nanosBehind(long replayed, long now) {
    if (size == 0 || replayed < 0 || Long.compareUnsigned(replayed, latest()) >= 0) {
      return 0;
    }
    // the first sample past `replayed`: binary search over the ascending positions
    int lo = 0;
    int hi = size - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(positions[index(mid)], replayed) > 0) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return Math.max(0, now - seenAt[index(lo)]);
  }

  private int index(int offset) {
    return (start + offset) % CAPACITY;
  }
}
