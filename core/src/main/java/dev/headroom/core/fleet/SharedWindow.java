package dev.headroom.core.fleet;

/**
 * Amounts counted over a sliding window, shared by the fleet or local; from {@link FleetCoordinator#window}.
 * Every call adds to (or checks) a fixed number of amounts at once, e.g. {@code [requests, microDollars]}.
 * Thread-safe.
 */
public interface SharedWindow {

  /**
   * Adds {@code amounts} to the current slice if, for every i, the window's total plus {@code amounts[i]} stays
   * within {@code maxima[i]}.
   *
   * @return a ticket for {@link #adjust} when added; when refused, a ticket with {@link Ticket#added()} false
   *     whose totals are the window's totals (without the refused amounts)
   */
  Ticket tryAdd(long[] amounts, long[] maxima);

  /** Adds {@code deltas} (negative to give back) to the slice {@code ticket} was counted in, if still in the window. */
  void adjust(Ticket ticket, long[] deltas);

  /** The window's totals now. */
  long[] totals();

  /**
   * The result of {@link #tryAdd}.
   *
   * @param added whether the amounts were counted
   * @param slice the slice they were counted in (for {@link #adjust})
   * @param totals the window's totals after adding, or without the amounts when refused
   */
  record Ticket(boolean added, long slice, long[] totals) {}
}
