package dev.headroom.sql;

import dev.headroom.core.Lease;
import java.sql.Connection;

/**
 * A physical connection and the lease that counts it in its pool.
 *
 * @param connection the connection from the primary's or a replica's DataSource
 * @param lease the lease on that node (in-flight = connections handed out)
 * @param node the node id
 * @param replica whether the node is a replica
 * @param fallback why a read went to the primary, or null
 */
record LeasedConnection(Connection connection, Lease lease, String node, boolean replica, FallbackReason fallback) {}
