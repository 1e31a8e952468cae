package dev.headroom.sql;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a HikariCP pool can tell that a plain {@link DataSource} cannot: its user, its password (only to keep it out
 * of messages) and the driver-level DataSource under it. A pool whose server refuses a login keeps retrying and
 * says why only when its own connection timeout passes; a login through the driver DataSource says it at once.
 * HikariCP is an optional dependency: without it on the class path every answer is empty.
 */
final class HikariFacts {
  private static final boolean PRESENT = present();

  private HikariFacts() {}

  /** The DataSource the pool under {@code ds} makes its connections with, bypassing the pool. */
  static Optional<DataSource> driverDataSource(DataSource ds) {
    return PRESENT ? Impl.driverDataSource(ds) : Optional.empty();
  }

  /** The user the pool under {@code ds} logs in as, if set. */
  static Optional<String> user(DataSource ds) {
    return PRESENT ? Impl.user(ds) : Optional.empty();
  }

  /** The password of the pool under {@code ds}, if set; only for redacting it. */
  static Optional<String> password(DataSource ds) {
    return PRESENT ? Impl.password(ds) : Optional.empty();
  }

  private static boolean present() {
    try {
      Class.forName("com.zaxxer.hikari.HikariDataSource", false, HikariFacts.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Touches HikariCP's classes; loaded only when they are there. */
  private static final class Impl {
    private Impl() {}

    static Optional<HikariDataSource> hikari(DataSource ds) {
      try {
        return ds.isWrapperFor(HikariDataSource.class) ? Optional.of(ds.unwrap(HikariDataSource.class))
            : Optional.empty();
      } catch (SQLException | RuntimeException e) {
        return Optional.empty();
      }
    }

    static Optional<DataSource> driverDataSource(DataSource ds) {
      return hikari(ds).map(h -> {
        HikariPoolMXBean pool = h.getHikariPoolMXBean();
        return pool instanceof HikariPool p ? p.getUnwrappedDataSource() : null;
      });
    }

    static Optional<String> user(DataSource ds) {
      return hikari(ds).map(HikariDataSource::getUsername);
    }

    static Optional<String> password(DataSource ds) {
      return hikari(ds).map(HikariDataSource::getPassword).filter(p -> !p.isEmpty());
    }
  }
}
