/**
 * A DevTools endpoint per browser lease: {@link dev.headroom.devtools.DevToolsProxy} lets Playwright's {@code
 * connectOverCDP} (or Puppeteer, or any CDP client) drive one {@link dev.headroom.browser.BrowserSession} and
 * nothing else of its browser.
 *
 * <h2>Why a proxy</h2>
 * A browser's own DevTools WebSocket is the whole browser: a client attached there lists every lease's pages, reads
 * their cookies, creates and disposes contexts and can close the browser under the pool. So each endpoint here is a
 * loopback WebSocket ({@code ws://127.0.0.1:<port>/devtools/browser/<token>}) that relays CDP between one client and
 * the browser and filters it to the lease's browser context. It is its own module so that the browser pool keeps
 * only Jackson and the JDK: the server side is Jetty 12 core (no servlets), the browser side the JDK's WebSocket.
 *
 * <h2>What a client sees and may do</h2>
 * {@code LeaseScope} decides, one message at a time:
 * <ul>
 *   <li><b>Seen</b>: the targets of the lease's context (its page, pages and workers opened in it), the sessions
 *       attached to them for this client and everything below those. Replies to {@code Target.getTargets} and the
 *       {@code Target.targetCreated/targetInfoChanged/targetDestroyed/attachedToTarget/detachedFromTarget} events
 *       lose everything else, and {@code Target.getBrowserContexts} answers with the lease's context only.
 *       <b>Browser-wide targets are hidden</b> (the browser target itself, the default context's pages): none of
 *       them belongs to a lease. The answer of {@code Target.getTargetInfo} without a target (the browser's own info,
 *       which Playwright asks for) and of {@code Browser.getVersion} pass through: they say nothing about other
 *       leases.</li>
 *   <li><b>The default context is the lease's</b>: Playwright keeps pages of contexts it did not create in its
 *       default context and sends that context's commands without a {@code browserContextId}; so {@code
 *       Target.createTarget}, {@code Storage.getCookies/setCookies/clearCookies} and {@code Browser}'s permission and
 *       download commands get the lease's context when they name none. Playwright's {@code browser.contexts()} is
 *       thus one context, the lease's, whose first page is the leased page.</li>
 *   <li><b>Refused</b> with a CDP error whose message says why: anything naming another {@code browserContextId};
 *       {@code Target.createBrowserContext}, {@code Target.disposeBrowserContext} (the pool owns the contexts), {@code
 *       Browser.close}, {@code Browser.crash} (the pool owns the browser); {@code Target.attachToTarget}, {@code
 *       closeTarget}, {@code activateTarget}, {@code getTargetInfo} and {@code Browser.getWindowForTarget} on a
 *       target the client has not been shown; a {@code sessionId} that is not one of the lease's; window bounds of
 *       a window that is not one of the lease's pages'; non-flattened sessions; and any other browser-level command,
 *       since it would reach other leases ({@code Target.attachToBrowserTarget} among them, so Playwright's {@code
 *       newBrowserCDPSession()} and {@code context.newCDPSession(page)} fail: use {@code BrowserSession.cdp()}).
 *       Commands on the lease's own sessions pass.</li>
 *   <li><b>Other leases' new pages never wait for this client</b>: {@code Target.setAutoAttach} with {@code
 *       waitForDebuggerOnStart} (Playwright always sends it) makes the browser attach to every new target of every
 *       context and pause it until this client lets it run. For a target outside the lease the proxy itself sends
 *       {@code Runtime.runIfWaitingForDebugger} and {@code Target.detachFromTarget}, and the client hears of none of
 *       it. Command ids are renumbered on the way so the proxy's own commands never collide with the client's.</li>
 * </ul>
 *
 * <h2>Life</h2>
 * An endpoint opens on the first {@code endpoint(session)} and closes when the session ends ({@link
 * dev.headroom.browser.BrowserSession#whenEnded()}: closed, or ended by the pool after a browser crash, a forced
 * recycle or the pool's close), before the context is disposed; its client's WebSocket is closed with 1001. A
 * client that disconnects ends nothing but its relay; it (or another) can connect again while the lease lasts. One
 * client at a time: a second gets 409. The cap, warm contexts and recycling are the pool's as before: the proxy
 * holds no slot and creates no context.
 *
 * <h2>Never in the way of the pool</h2>
 * Each client gets its own DevTools connection to the browser ({@code Relay}); the pool's connection and its reader
 * thread carry none of the relayed traffic. Both directions go through a bounded {@code Outbox} that never blocks
 * the reader that fills it; a client that falls further behind than {@code maxClientBacklog} is disconnected (1008),
 * so it holds neither memory nor another lease.
 *
 * <h2>Secrets</h2>
 * The token (32 random bytes) is the endpoint's only credential: logs, exceptions and {@code toString()} name the
 * lease's host and target, never the path. The server listens on 127.0.0.1 only and refuses upgrade requests with an
 * {@code Origin} header, which only a web page would send.
 */
package dev.headroom.devtools;
