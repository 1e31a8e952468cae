package dev.headroom.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Tells a refused login (SQLState class {@code 28}) from any other connection failure, and turns it into a
 * {@link DatabaseAuthenticationException} without secrets. A HikariCP pool reports a refused login only when its
 * connection timeout passes; when the pool's error does not say, one login through the pool's driver DataSource
 * does (bounded like any other attempt).
 */
final class LoginCheck {
  private LoginCheck() {}

  /**
   * Throws a {@link DatabaseAuthenticationException} if {@code failure}, the error of taking a connection from
   * {@code ds}, is a refused login; otherwise returns.
   *
   * @param owner the data source's name
   * @param role {@code replica} or {@code primary}
   * @param id the server's id
   */
  static void throwIfRefused(String owner, String role, String id, DataSource ds, SQLException failure,
      ReplicaConnector connector, long timeoutNanos) {
    SQLException refused = refusal(failure);
    if (refused == null) {
      Optional<DataSource> driver = HikariFacts.driverDataSource(ds);
      if (driver.isPresent()) {
        try (Connection ignored = connector.open(role + " '" + id + "' (driver)", driver.get(), null, null,
            timeoutNanos, 1, () -> true)) {
          return; // the login works: the pool's trouble is something else
        } catch (SQLException e) {
          refused = refusal(e);
        }
      }
    }
    if (refused == null) {
      return;
    }
    String password = HikariFacts.password(ds).orElse(null);
    String user = HikariFacts.user(ds).orElse(null);
    String detail = redact(String.valueOf(refused.getMessage()), password);
    SQLException cause = new SQLException(detail, refused.getSQLState(), refused.getErrorCode());
    cause.setStackTrace(refused.getStackTrace());
    throw new DatabaseAuthenticationException("'" + owner + "': authentication failed for " + role + " '" + id + "'"
        + (user != null ? " as user '" + user + "'" : "") + " (SQLState " + refused.getSQLState() + ": " + detail
        + "); check the username and password of its DataSource", id, user, refused.getSQLState(), cause);
  }

  /** The first SQLException in {@code e}'s cause chain whose SQLState is of class 28, or null. */
  static SQLException refusal(Throwable e) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("28")) {
        return s;
      }
    }
    return null;
  }

  /** {@code text} without URL passwords and without {@code password} itself (when known). */
  static String redact(String text, String password) {
    String out = StartupCheck.redact(text);
    return password == null || password.isEmpty() ? out : out.replace(password, "***");
  }
}
