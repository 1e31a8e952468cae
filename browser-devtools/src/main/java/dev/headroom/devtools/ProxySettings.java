package dev.headroom.devtools;

import java.time.Duration;

/**
 * The immutable settings of a {@link DevToolsProxy}, from its builder.
 *
 * @param port the loopback port to listen on (0: any free one)
 * @param maxClientBacklog the most characters waiting to be sent to one client (or from it to the browser); past
 *     it the client is disconnected
 * @param maxMessageSize the largest message a client may send, in bytes
 * @param connectTimeout how long opening a relay's own connection to the browser may take
 */
record ProxySettings(int port, long maxClientBacklog, long maxMessageSize, Duration connectTimeout) {}
