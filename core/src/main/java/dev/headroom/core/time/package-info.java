/**
 * Time for everything in Headroom that waits or expires: a {@link dev.headroom.core.time.Ticker} to read it and a
 * {@link dev.headroom.core.time.Scheduler} to run a task later on it.
 *
 * <h2>Why our own clock</h2>
 * Waiter deadlines, ejections, breaker waits, probes, request timeouts and EWMA decay all read one ticker and
 * schedule on one scheduler, so a test or a simulation can run them in {@link dev.headroom.core.time.VirtualTime}:
 * {@code time.advance(Duration.ofSeconds(30))} runs, in order and on the calling thread, every task due by then,
 * with no sleeps and no flaky timing. The system versions ({@link dev.headroom.core.time.Ticker#system()},
 * {@link dev.headroom.core.time.Scheduler#system()}) are {@link System#nanoTime()} and one shared daemon thread.
 * Tasks must be short and never block: they run on that thread, or on the thread that advances virtual time.
 * {@link dev.headroom.core.time.Ticker#asClock()} hands the same time to libraries that want a {@link java.time.Clock}
 * (resilience4j's breakers), so their waits run in virtual time too.
 */
package dev.headroom.core.time;
