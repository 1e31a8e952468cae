/**
 * Leases of isolated headless-Chromium sessions across local and remote hosts: {@link
 * dev.headroom.browser.BrowserPool} hands out {@link dev.headroom.browser.BrowserSession}s, each a fresh browser
 * context on the host with the most headroom.
 *
 * <h2>Shape</h2>
 * {@link dev.headroom.browser.BrowserPoolConfig#builder(String)} and {@link dev.headroom.browser.BrowserHost}'s
 * builders validate with core's {@link dev.headroom.core.Checks} in {@code build()} (a {@link
 * dev.headroom.core.ConfigException} names the subject, {@code browser pool 'p'} or {@code browser host 'h'}, and
 * the builder's path of the setting, e.g. {@code maxSessions}, which the Spring starter maps onto its properties)
 * and produce immutable settings; the pool and its hosts read those, never a builder.
 *
 * <h2>Slots before contexts</h2>
 * Each host is an endpoint of a core {@link dev.headroom.core.Pool} whose concurrency limit is the host's session
 * cap, so picking (power of two choices over sessions in use per unit of cap, with memory pressure as a penalty),
 * the bounded FIFO of waiters and the deadline all come from core. The slot is reserved <em>before</em> a context is
 * created, so a host never holds more contexts than its cap, warm ones included; a context that is ready only after
 * its caller gave up is disposed at once.
 *
 * <h2>One host's life</h2>
 * The package-private {@code HostSupervisor} launches (or connects to) a host's browser, keeps warm contexts, hands
 * contexts to leases, retires a browser after N contexts, an age or a memory size ({@code Retirement}) and
 * relaunches after a crash with exponential backoff. While a browser is down or being recycled its endpoint is
 * drained, so leases go to other hosts instead of failing. Lock order: a host's monitor may be held while calling
 * into the core pool, never the other way round; leases are completed and sessions failed outside the monitor.
 * What hosts and sessions share (threads, the HTTP client, the process registry) is one {@code PoolResources}.
 * Hosts join and leave at run time ({@code addHost}, {@code drainHost}, {@code removeHost}, or a
 * {@link dev.headroom.core.discovery.MembershipTarget} from {@code membership(...)}): a new host gets its own
 * supervisor and takes leases once its browser is up; a drained one takes none whatever its browser does; a
 * removed one, once its sessions are back or the drain timeout passed, ends what is left, closes its contexts (a
 * local browser is killed, a remote one disconnected) and leaves the core pool.
 *
 * <h2>Our own DevTools client</h2>
 * A small CDP client over the JDK's WebSocket and Jackson ({@code CdpConnection}, flattened sessions), with no
 * Playwright or Selenium dependency: the pool needs contexts, navigation with a deadline, screenshots and crash
 * events. Playwright attaches to one lease, and sees only its context, through the separate module
 * {@code headroom-browser-devtools}, which hangs its endpoint on {@link
 * dev.headroom.browser.BrowserSession#whenEnded()}; {@link dev.headroom.browser.BrowserSession#webSocketUrl()} is the
 * whole browser, for clients trusted with every lease. Event listeners run on the WebSocket's reader thread, so they
 * never wait for another reply on the same connection.
 *
 * <h2>No orphans</h2>
 * Every launched Chromium gets a fresh profile directory and is recorded in a registry; {@link
 * dev.headroom.browser.BrowserPool#close()} and a JVM shutdown hook kill each process tree (helpers re-parented to
 * init are found by their unique {@code --user-data-dir}) and delete the profiles. Launching happens under the
 * registry's lock, so once it is closed no relaunch can start. Memory is read as PSS from {@code /proc}, so pages
 * Chromium's helpers share count once.
 *
 * <h2>Secrets and deadlines</h2>
 * URLs in exceptions and logs keep scheme, host, port and path only ({@code Urls}): user-info, queries and
 * fragments often carry tokens. A navigation has one deadline from {@code Page.navigate} to the load event; when it
 * passes the page is stopped so the session stays usable, and the caller gets a {@link
 * dev.headroom.browser.NavigationTimeoutException}.
 */
package dev.headroom.browser;
