package dev.headroom.spring.sql;

import dev.headroom.sql.ReplicaRoutingDataSource;

/**
 * Adjusts the {@link ReplicaRoutingDataSource.Builder} after the {@code headroom.sql.*} properties were applied and
 * before it is validated and built: a dialect, a picker, outlier detection. Declare one or more as beans; they run
 * in bean order.
 */
@FunctionalInterface
public interface HeadroomSqlCustomizer {

  /** Customizes the builder of the data source named {@code name}. */
  void customize(String name, ReplicaRoutingDataSource.Builder builder);
}
