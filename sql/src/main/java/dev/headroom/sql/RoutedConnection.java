package dev.headroom.sql;

import java.util.Optional;

/**
 * What a connection of a {@link ReplicaRoutingDataSource} can say about its routing. Get it with
 * {@code connection.unwrap(RoutedConnection.class)}.
 */
public interface RoutedConnection {

  /** The node the connection went to: the primary's id or a replica's id; empty until its first real use. */
  Optional<String> node();

  /** Whether it went to a replica; false before its first real use. */
  boolean onReplica();

  /** Why a read went to the primary instead of a replica, when it did. */
  Optional<FallbackReason> fallbackReason();
}
