package dev.headroom.core.fleet;

import dev.headroom.core.time.Ticker;
import java.time.Duration;
import java.util.Arrays;

/**
 * A sliding window of {@code slices} slices in this process: what {@link FleetCoordinator#local()} hands out, and
 * what a shared window falls back to while the shared store does not answer. Thread-safe (one lock).
 */
public final class LocalWindow implements SharedWindow {
  private final long sliceNanos;
  private final Ticker ticker;
  private final long[] sliceIds;
  private long[][] amounts;

  /** A window of {@code window} in {@code slices} slices, on {@code ticker}. */
  public LocalWindow(Duration window, int slices, Ticker ticker) {
    if (slices < 1 || window.toNanos() < slices) {
      throw new IllegalArgumentException("a window needs at least 1 slice of at least 1 ns, got " + window
          + " in " + slices);
    }
    this.sliceNanos = window.toNanos() / slices;
    this.ticker = ticker;
    this.sliceIds = new long[slices];
    Arrays.fill(sliceIds, Long.MIN_VALUE);
  }

  @Override
  public synchronized Ticket tryAdd(long[] add, long[] maxima) {
    if (add.length != maxima.length) {
      throw new IllegalArgumentException("amounts and maxima differ in length: " + add.length + " vs " + maxima.length);
    }
    int index = slice(add.length);
    long[] totals = sums(add.length);
    for (int i = 0; i < add.length; i++) {
      if (totals[i] + add[i] > maxima[i]) {
        return new Ticket(false, sliceIds[index], totals);
      }
    }
    for (int i = 0; i < add.length; i++) {
      amounts[index][i] += add[i];
      totals[i] += add[i];
    }
    return new Ticket(true, sliceIds[index], totals);
  }

  @Override
  public synchronized void adjust(Ticket ticket, long[] deltas) {
    slice(deltas.length);
    int index = (int) Math.floorMod(ticket.slice(), (long) sliceIds.length);
    if (sliceIds[index] == ticket.slice()) {
      for (int i = 0; i < deltas.length && i < amounts[index].length; i++) {
        amounts[index][i] += deltas[i];
      }
    }
  }

  @Override
  public synchronized long[] totals() {
    if (amounts == null) {
      return new long[0];
    }
    slice(amounts[0].length);
    return sums(amounts[0].length);
  }

  private long[] sums(int width) {
    long[] totals = new long[width];
    for (long[] slice : amounts) {
      for (int i = 0; i < width && i < slice.length; i++) {
        totals[i] += slice[i];
      }
    }
    return totals;
  }

  /** Moves the window to now (clearing slices that left it) and returns the current slice's index. */
  private int slice(int width) {
    if (amounts == null || amounts[0].length < width) {
      amounts = new long[sliceIds.length][width];
    }
    long id = Math.floorDiv(ticker.read(), sliceNanos);
    int index = (int) Math.floorMod(id, (long) sliceIds.length);
    for (int i = 0; i < sliceIds.length; i++) {
      if (sliceIds[i] != Long.MIN_VALUE && id - sliceIds[i] >= sliceIds.length) {
        sliceIds[i] = Long.MIN_VALUE;
        Arrays.fill(amounts[i], 0);
      }
    }
    if (sliceIds[index] != id) {
      sliceIds[index] = id;
      Arrays.fill(amounts[index], 0);
    }
    return index;
  }
}
