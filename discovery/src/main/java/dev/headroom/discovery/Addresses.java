package dev.headroom.discovery;

import java.net.URI;

/** How a host and a port become a member's id and URI: {@code host:port}, an IPv6 address in brackets. */
final class Addresses {
  private Addresses() {}

  /** {@code host:port}, or {@code [v6]:port}. */
  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code scheme://host:port}. */
  static URI uri(String scheme, String host, int port) {
    return URI.create(scheme + "://" + hostPort(host, port));
  }
}
