package dev.headroom.sql;

import dev.headroom.core.ConfigException;
import dev.headroom.core.HeadroomException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the data source checks before it takes traffic: the primary is reachable and is not a standby (its vendor
 * also picks the dialect, unless one was given), every reachable replica is a standby, and the primary's connection
 * defaults, which unrouted connections report. A replica that is unreachable at start is not an error: it gets no
 * reads until a probe verifies it. A replica is given the read's connection bound to hand out a connection, so a
 * dead one does not hold the start for its pool's connection timeout. A refused login (a wrong password) is an
 * error, reported as soon as the first login fails ({@link LoginCheck}).
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
   * @param connectNanos how long a replica's DataSource has to hand out a connection
   * @throws ConfigException when the primary is a standby, a replica is a primary, or the vendor has no dialect
   * @throws DatabaseAuthenticationException when a server refuses its DataSource's login
   * @throws HeadroomException when the primary cannot be reached
   */
  static StartupCheck run(String owner, String primaryId, DataSource primary, ReplicationDialect given,
      Map<String, Replica> replicas, ReplicaConnector connector, long connectNanos) {
    ReplicationDialect dialect;
    boolean autoCommit;
    int isolation;
    try (Connection c = primaryConnection(owner, primaryId, primary, connector, connectNanos)) {
      dialect = given != null ? given : DatabaseVendor.dialectFor(c.getMetaData().getDatabaseProductName());
      if (dialect.isStandby(c)) {
        throw new ConfigException("'" + owner + "'", "primary", redact(c.getMetaData().getURL()),
            "must point at the read-write primary, but the server there is a standby in recovery");
      }
      autoCommit = c.getAutoCommit();
      isolation = c.getTransactionIsolation();
    } catch (SQLException e) {
      LoginCheck.throwIfRefused(owner, "primary", primaryId, primary, e, connector, connectNanos);
      throw new HeadroomException("'" + owner + "': cannot connect to the primary at start: " + e.getMessage()
          + " (turn validateOnStart off to start without it)", e);
    }
    for (Replica replica : replicas.values()) {
      Connection opened;
      try {
        opened = connector.open("replica '" + replica.id + "'", replica.dataSource, null, null, connectNanos,
            replica.connectLimit(), () -> true);
      } catch (SQLException e) {
        LoginCheck.throwIfRefused(owner, "replica", replica.id, replica.dataSource, e, connector, connectNanos);
        unreachable(owner, replica, e);
        continue;
      }
      try (Connection c = opened) {
        if (!dialect.isStandby(c)) {
          throw new ConfigException("'" + owner + "'", "replica '" + replica.id + "'",
              redact(c.getMetaData().getURL()), "must point at a hot standby, but the server there is not in "
                  + "recovery (it is a primary; is this the primary's URL?)");
        }
        replica.verifiedStandby();
      } catch (SQLException e) {
        unreachable(owner, replica, e);
      }
    }
    return new StartupCheck(dialect, autoCommit, isolation);
  }

  /**
   * A connection of the primary. A login it refuses is reported after the replicas' connection bound; anything else
   * slow is waited for up to the primary pool's own timeout, as the primary is needed to start.
   */
  private static Connection primaryConnection(String owner, String primaryId, DataSource primary,
      ReplicaConnector connector, long connectNanos) throws SQLException {
    try {
      return connector.open("primary '" + primaryId + "'", primary, null, null, connectNanos, 64, () -> true);
    } catch (SQLTimeoutException slow) {
      LoginCheck.throwIfRefused(owner, "primary", primaryId, primary, slow, connector, connectNanos);
      return primary.getConnection();
    }
  }

  private static void unreachable(String owner, Replica replica, SQLException e) {
    replica.probeFailed("unreachable at start: " + e.getMessage());
    log.warn("'{}': replica '{}' is unreachable at start ({}); it gets reads once a probe verifies it", owner,
        replica.id, e.getMessage());
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
