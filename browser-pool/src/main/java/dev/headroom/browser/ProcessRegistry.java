package dev.headroom.browser;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every Chromium process a pool launched and has not yet killed, so that {@link BrowserPool#close()} and the JVM
 * shutdown hook can kill them all. Launching happens under the registry's lock, so once {@link #killAll()} has
 * closed it no process can start any more (not even a relaunch that was under way while the JVM shut down).
 */
final class ProcessRegistry {
  private final Set<ChromiumProcess> live = ConcurrentHashMap.newKeySet();
  private boolean closed;

  /**
   * Starts a Chromium and records it.
   *
   * @throws BrowserLaunchException when the registry is closed or the process cannot be started
   */
  synchronized ChromiumProcess launch(String host, Path executable, List<String> extraArgs) {
    if (closed) {
      throw new BrowserLaunchException(host, "the pool is closed");
    }
    ChromiumProcess process = ChromiumProcess.start(host, executable, 0, extraArgs);
    live.add(process);
    return process;
  }

  /** Kills a process and forgets it. */
  void kill(ChromiumProcess process) {
    process.kill();
    live.remove(process);
  }

  /** Closes the registry (no launch after this) and kills every process in it. */
  void killAll() {
    synchronized (this) {
      closed = true;
    }
    List.copyOf(live).forEach(this::kill);
  }
}
