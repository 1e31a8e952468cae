package dev.headroom.browser;

import java.time.Duration;

/**
 * A session held longer than the pool's {@link BrowserPoolConfig#leakDetectionThreshold() leak detection
 * threshold}: probably never closed. {@link #acquiredAt()} carries the stack of the code that leased it.
 *
 * @param pool the pool name
 * @param host the session's host
 * @param targetId the session's page target
 * @param heldFor how long it had been held when reported
 * @param thread the name of the thread that leased it
 * @param acquiredAt a throwable whose stack trace is where the session was leased (it was not thrown)
 */
public record LeaseLeak(String pool, String host, String targetId, Duration heldFor, String thread,
    Throwable acquiredAt) {

  @Override
  public String toString() {
    return "LeaseLeak{" + pool + "/" + host + " target " + targetId + " held " + heldFor.toMillis() + " ms, leased by "
        + thread + '}';
  }
}
