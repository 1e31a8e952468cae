package dev.headroom.core.pick;

import dev.headroom.core.Picker;
import dev.headroom.core.Selector;
import dev.headroom.core.Snapshot;
import java.util.concurrent.atomic.AtomicInteger;

/** Each request goes to the next candidate in pool order, skipping those that are full or not accepted. */
final class RoundRobin implements Picker {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public int pick(Snapshot snapshot, Selector selector, long now) {
    int n = snapshot.size();
    if (n == 0) {
      return NONE;
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      if (Picker.candidate(snapshot.get(index), selector)) {
        return index;
      }
    }
    return NONE;
  }

  @Override
  public String toString() {
    return "roundRobin";
  }
}
