package dev.headroom.browser;

import java.net.URI;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A point-in-time view of one host, for {@link BrowserPool#hosts()}, errors and logs.
 *
 * @param id the host id
 * @param local whether the pool launched this browser itself
 * @param state where the host is in its life
 * @param leased sessions currently leased on it (slots reserved, contexts being created included)
 * @param cap its session cap
 * @param idle warm contexts created ahead of demand
 * @param waiting callers waiting for a session in the pool's queue (shared by all hosts) at that moment
 * @param generation how many browsers this host has launched or connected to (1 for the first)
 * @param contextsCreated contexts the current browser has created
 * @param pid the process id of a local host's running browser
 * @param rssBytes resident memory of that browser's process tree at the last check
 * @param webSocketUrl the running browser's DevTools WebSocket URL
 * @param draining whether it is drained or being removed at run time ({@link BrowserPool#drainHost}): it takes no
 *     new leases whatever its state, its sessions run on
 * @param warming whether it was added at run time and the pool's slow start
 *     ({@link BrowserPoolConfig.Builder#slowStart}) has not brought it to its full share of the leases yet
 */
public record HostStatus(String id, boolean local, HostState state, int leased, int cap, int idle, int waiting,
    int generation, long contextsCreated, OptionalLong pid, OptionalLong rssBytes, Optional<URI> webSocketUrl,
    boolean draining, boolean warming) {

  /** Whether the host takes no leases because its browser is starting, down or closed. */
  public boolean down() {
    return state == HostState.STARTING || state == HostState.DOWN || state == HostState.CLOSED;
  }

  @Override
  public String toString() {
    return id + "[" + leased + "/" + cap + " " + state + (draining ? " draining" : "") + (warming ? " warming" : "") + ", idle " + idle
        + ", waiting " + waiting
        + (pid.isPresent() ? ", pid " + pid.getAsLong() : "") + "]";
  }
}
