package dev.headroom.testkit.redis;

import java.net.URI;
import java.nio.file.Path;

/**
 * One {@code redis-server} process of a {@link RedisClusterFixture}: its loopback port, its cluster bus port and its
 * directory (which holds {@code redis.conf}, {@code nodes.conf} and {@code redis.log}). The ports and the directory
 * stay the same across {@link RedisClusterFixture#kill(RedisNode)} and {@link RedisClusterFixture#restart(RedisNode)},
 * so a restarted node rejoins the cluster with its old identity.
 */
public final class RedisNode {
  private final int index;
  private final int port;
  private final int busPort;
  private final Path dir;
  private volatile String nodeId = "";

  RedisNode(int index, int port, int busPort, Path dir) {
    this.index = index;
    this.port = port;
    this.busPort = busPort;
    this.dir = dir;
  }

  /** The node's position in {@link RedisClusterFixture#nodes()}, from 0. */
  public int index() {
    return index;
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The cluster bus port on 127.0.0.1. */
  public int busPort() {
    return busPort;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  /** The cluster node id (40 hex characters) once the node has started, else empty. */
  public String nodeId() {
    return nodeId;
  }

  void nodeId(String value) {
    this.nodeId = value;
  }

  /** The node's directory. */
  public Path dir() {
    return dir;
  }

  /** The node's log file. */
  public Path logFile() {
    return dir.resolve("redis.log");
  }

  @Override
  public String toString() {
    return "RedisNode{127.0.0.1:" + port + (nodeId.isEmpty() ? "" : ", id=" + nodeId.substring(0, 8)) + '}';
  }
}
