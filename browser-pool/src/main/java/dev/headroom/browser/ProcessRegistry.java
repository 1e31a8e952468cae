package dev.headroom.browser;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every Chromium process a pool launched and has not yet killed, so that {@link BrowserPool#close()} and the JVM
 * shutdown hook can kill them all. Once closed, a newly launched process is killed as soon as it registers.
 */
final class ProcessRegistry {
  private final Set<ChromiumProcess> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Records a launched process; returns false (and kills it) when the registry is already closed. */
  boolean register(ChromiumProcess process) {
    live.add(process);
    if (closed) {
      live.remove(process);
      process.kill();
      return false;
    }
    return true;
  }

  /** Kills a process and forgets it. */
  void kill(ChromiumProcess process) {
    process.kill();
    live.remove(process);
  }

  /** Closes the registry and kills every process in it, one after the other. */
  void killAll() {
    closed = true;
    List<ChromiumProcess> all = List.copyOf(live);
    all.forEach(this::kill);
  }

  int size() {
    return live.size();
  }
}
