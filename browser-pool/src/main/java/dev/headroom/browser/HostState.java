package dev.headroom.browser;

/** Where a host is in its life. Only {@link #UP} hosts take new leases. */
public enum HostState {
  /** Its browser is being launched (or a remote one connected to). */
  STARTING,
  /** Serving leases. */
  UP,
  /** Being retired: no new leases; once its sessions are back the browser is killed and relaunched. */
  RECYCLING,
  /** Its browser crashed, exited or could not be reached; a relaunch (or reconnect) is scheduled with backoff. */
  DOWN,
  /** The pool was closed. */
  CLOSED
}
