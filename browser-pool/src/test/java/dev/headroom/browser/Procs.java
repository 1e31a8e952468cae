package dev.headroom.browser;

import java.util.ArrayList;
import java.util.List;

/** Process helpers for tests: the PIDs of a browser's tree, and which of them are still alive. */
final class Procs {
  private Procs() {}

  /** {@code pid} and all its descendants now. */
  static List<Long> tree(long pid) {
    List<Long> all = new ArrayList<>();
    all.add(pid);
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> all.add(d.pid())));
    return all;
  }

  /** The PIDs in {@code pids} that still run (present in /proc and not zombies). */
  static List<Long> alive(List<Long> pids) {
    List<Long> alive = new ArrayList<>();
    for (long pid : pids) {
      if (Processes.alive(pid)) {
        alive.add(pid);
      }
    }
    return alive;
  }
}
