package dev.headroom.redis.fleet;

import dev.headroom.core.fleet.LocalWindow;
import dev.headroom.core.fleet.SharedWindow;
import dev.headroom.core.time.Ticker;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * A sliding window shared through one Redis hash (field = slice id from the server's clock, value = the slice's
 * amounts, comma-separated), checked and added to by one script, so the limit holds exactly across replicas. While
 * the fleet is degraded, a {@link LocalWindow} (kept across degraded episodes) counts this replica's amounts against
 * each maximum divided by the last known live count. Tickets remember which of the two counted them; an adjustment
 * of a shared ticket while Redis does not answer is lost.
 */
final class RedisWindow implements SharedWindow {
  private final String name;
  private final String key;
  private final long sliceMillis;
  private final int slices;
  private final FleetClient client;
  private final Degradation degradation;
  private final Duration budget;
  private final LocalWindow local;
  /** Tickets of the local window (by identity: a ticket's totals array makes it unique), forgotten once unused. */
  private final Map<Ticket, Boolean> localTickets = Collections.synchronizedMap(new WeakHashMap<>());

  RedisWindow(String name, String key, long sliceMillis, int slices, FleetClient client, Degradation degradation,
      Duration budget) {
    this.name = name;
    this.key = key;
    this.sliceMillis = sliceMillis;
    this.slices = slices;
    this.client = client;
    this.degradation = degradation;
    this.budget = budget;
    this.local = new LocalWindow(Duration.ofMillis(sliceMillis * slices), slices, Ticker.system());
  }

  @Override
  public Ticket tryAdd(long[] amounts, long[] maxima) {
    if (amounts.length != maxima.length) {
      throw new IllegalArgumentException("amounts and maxima differ in length: " + amounts.length + " vs "
          + maxima.length);
    }
    if (degradation.degraded() || !client.connected()) {
      return local(amounts, maxima);
    }
    Object[] args = new Object[3 + 2 * amounts.length];
    args[0] = sliceMillis;
    args[1] = slices;
    args[2] = amounts.length;
    for (int i = 0; i < amounts.length; i++) {
      args[3 + i] = amounts[i];
      args[3 + amounts.length + i] = maxima[i];
    }
    CompletableFuture<List<Object>> reply = client.run(FleetScripts.WINDOW_ADD, ScriptOutputType.MULTI,
        new String[] {key}, args);
    List<Object> result;
    try {
      result = FleetClient.await(reply, System.nanoTime() + budget.toNanos());
    } catch (FleetClient.Unanswered e) {
      degradation.failed(e);
      return local(amounts, maxima);
    }
    boolean added = ((Number) result.get(0)).longValue() == 1;
    long slice = Long.parseLong(FleetClient.text(result.get(1)));
    return new Ticket(added, slice, numbers(result, 2));
  }

  private Ticket local(long[] amounts, long[] maxima) {
    int live = degradation.lastKnownLive();
    long[] shares = new long[maxima.length];
    for (int i = 0; i < maxima.length; i++) {
      shares[i] = maxima[i] >= 1 ? Math.max(1, maxima[i] / live) : maxima[i];
    }
    Ticket ticket = local.tryAdd(amounts, shares);
    localTickets.put(ticket, Boolean.TRUE);
    return ticket;
  }

  @Override
  public void adjust(Ticket ticket, long[] deltas) {
    if (localTickets.containsKey(ticket)) {
      local.adjust(ticket, deltas);
      return;
    }
    if (!ticket.added() || deltas.length == 0 || degradation.degraded() || !client.connected()) {
      return;
    }
    Object[] args = new Object[3 + deltas.length];
    args[0] = sliceMillis;
    args[1] = slices;
    args[2] = ticket.slice();
    for (int i = 0; i < deltas.length; i++) {
      args[3 + i] = deltas[i];
    }
    CompletableFuture<Long> reply = client.run(FleetScripts.WINDOW_ADJUST, ScriptOutputType.INTEGER,
        new String[] {key}, args);
    try {
      FleetClient.await(reply, System.nanoTime() + budget.toNanos());
    } catch (FleetClient.Unanswered e) {
      degradation.failed(e);
    }
  }

  @Override
  public long[] totals() {
    if (degradation.degraded() || !client.connected()) {
      return local.totals();
    }
    CompletableFuture<List<Object>> reply = client.run(FleetScripts.WINDOW_TOTALS, ScriptOutputType.MULTI,
        new String[] {key}, sliceMillis, slices);
    try {
      return numbers(FleetClient.await(reply, System.nanoTime() + budget.toNanos()), 0);
    } catch (FleetClient.Unanswered e) {
      degradation.failed(e);
      return local.totals();
    }
  }

  private static long[] numbers(List<Object> reply, int from) {
    long[] values = new long[reply.size() - from];
    for (int i = 0; i < values.length; i++) {
      values[i] = Long.parseLong(FleetClient.text(reply.get(from + i)));
    }
    return values;
  }

  @Override
  public String toString() {
    return "SharedWindow{" + name + ", " + slices + " x " + sliceMillis + " ms, shared}";
  }
}
