package dev.headroom.sql;

import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the data source checks before it takes traffic: the primary is reachable and is not a standby (its vendor
 * also picks the dialect, unless one was given), every reachable replica is a standby, and the primary's connection
 * defaults, which unrouted connections report. A replica that is unreachable at start is not an error: it gets no
 * reads until a probe verifies it.
 *
 * @param dialect the dialect to use
 * @param defaultAutoCommit what {@code getAutoCommit()} says before a connection is routed
 * @param defaultIsolation what {@code getTransactionIsolation()} says before a connection is routed
 */
record StartupCheck(ReplicationDialect dialect, boolean defaultAutoCommit, int defaultIsolation) {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRoutingDataSource.class);
  private static final Pattern PASSWORD = Pattern.compile("(?i)((?:password|pwd)=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

  /** Trusts the configuration without connecting anywhere. */
  static StartupCheck skipped(ReplicationDialect dialect) {
    return new StartupCheck(dialect != null ? dialect : ReplicationDialect.postgresql(), true,
        Connection.TRANSACTION_READ_COMMITTED);
  }

  /**
   * Connects to the primary and every replica.
   *
   * @throws ConfigException when the primary is a standby, a replica is a primary, or the vendor has no dialect
   * @throws HeadroomException when the primary cannot be reached
   */
  static StartupCheck run(String owner, DataSource primary, ReplicationDialect given,
      Map<String, Replica> replicas) {
    ReplicationDialect dialect;
    boolean autoCommit;
    int isolation;
    try (Connection c = primary.getConnection()) {
      dialect = given != null ? given : DatabaseVendor.dialectFor(c.getMetaData().getDatabaseProductName());
      if (dialect.isStandby(c)) {
        throw new ConfigException("'" + owner + "': primary", redact(c.getMetaData().getURL()),
            "must point at the read-write primary, but the server there is a standby in recovery");
      }
      autoCommit = c.getAutoCommit();
      isolation = c.getTransactionIsolation();
    } catch (SQLException e) {
      throw new HeadroomException("'" + owner + "': cannot connect to the primary at start: " + e.getMessage()
          + " (turn validateOnStart off to start without it)", e);
    }
    for (Replica replica : replicas.values()) {
      try (Connection c = replica.dataSource.getConnection()) {
        if (!dialect.isStandby(c)) {
          throw new ConfigException("'" + owner + "': replica '" + replica.id + "'", redact(c.getMetaData().getURL()),
              "must point at a hot standby, but the server there is not in recovery (it is a primary; is this the "
                  + "primary's URL?)");
        }
        replica.verifiedStandby();
      } catch (SQLException e) {
        replica.probeFailed("unreachable at start: " + e.getMessage());
        log.warn("'{}': replica '{}' is unreachable at start ({}); it gets reads once a probe verifies it", owner,
            replica.id, e.getMessage());
      }
    }
    return new StartupCheck(dialect, autoCommit, isolation);
  }

  /** A JDBC URL without its password. */
  static String redact(String url) {
    if (url == null) {
      return "(no URL)";
    }
    String noParam = PASSWORD.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(noParam).replaceAll("//$1:***@");
  }
}
