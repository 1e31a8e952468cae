package dev.headroom.sql;

import dev.headroom.core.ConfigException;
import java.util.Locale;
import java.util.Optional;

/**
 * The databases Headroom knows by name, and whether their {@link ReplicationDialect} is implemented. Only PostgreSQL
 * is; the others are listed so that using them fails at start with a clear message instead of misrouting reads.
 * For those, implement {@link ReplicationDialect} and pass it to the builder.
 */
enum DatabaseVendor {
  /** PostgreSQL 10+: {@code pg_is_in_recovery()}, {@code pg_last_wal_replay_lsn()}, {@code pg_current_wal_lsn()}. */
  POSTGRESQL("PostgreSQL", true),
  /** MySQL (GTID-based read-your-writes would use {@code WAIT_FOR_EXECUTED_GTID_SET}): not implemented. */
  MYSQL("MySQL", false),
  /** MariaDB ({@code MASTER_GTID_WAIT}): not implemented. */
  MARIADB("MariaDB", false),
  /** Microsoft SQL Server (Always On readable secondaries): not implemented. */
  SQL_SERVER("Microsoft SQL Server", false),
  /** Oracle (Active Data Guard): not implemented. */
  ORACLE("Oracle", false);

  private final String productName;
  private final boolean implemented;

  DatabaseVendor(String productName, boolean implemented) {
    this.productName = productName;
    this.implemented = implemented;
  }

  /** The name JDBC drivers report in {@code DatabaseMetaData.getDatabaseProductName()}. */
  String productName() {
    return productName;
  }

  /** Whether Headroom ships a dialect for it. */
  boolean implemented() {
    return implemented;
  }

  /**
   * Its dialect.
   *
   * @throws ConfigException when it is not implemented
   */
  ReplicationDialect dialect() {
    if (!implemented) {
      throw notImplemented(productName);
    }
    return ReplicationDialect.postgresql();
  }

  /** The vendor whose product name starts {@code productName} (case-insensitive), if known. */
  static Optional<DatabaseVendor> fromProductName(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    for (DatabaseVendor vendor : values()) {
      if (name.startsWith(vendor.productName.toLowerCase(Locale.ROOT))) {
        return Optional.of(vendor);
      }
    }
    return Optional.empty();
  }

  /**
   * The dialect for a product name as reported by JDBC.
   *
   * @throws ConfigException when the vendor is unknown or not implemented
   */
  static ReplicationDialect dialectFor(String productName) {
    return fromProductName(productName).orElseThrow(() -> notImplemented(productName)).dialect();
  }

  private static ConfigException notImplemented(String productName) {
    return new ConfigException("replication dialect", productName,
        "is not implemented (implemented: PostgreSQL; named but not implemented: MySQL, MariaDB, "
            + "Microsoft SQL Server, Oracle); implement ReplicationDialect and pass it to the builder's dialect()");
  }
}
