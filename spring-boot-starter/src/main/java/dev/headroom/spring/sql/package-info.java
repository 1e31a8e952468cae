/** {@code headroom.sql.*}: the application's DataSource as a {@link dev.headroom.sql.ReplicaRoutingDataSource}. Active only when the module is on the classpath. */
package dev.headroom.spring.sql;
