package dev.headroom.sql;

import dev.headroom.core.HeadroomException;
import java.util.Optional;

/**
 * A server refused the login of its DataSource at start (PostgreSQL SQLState class {@code 28}: a wrong password,
 * an unknown role, a {@code pg_hba.conf} rule that rejects it). Thrown by
 * {@link ReplicaRoutingDataSource.Builder#build()} as soon as the first login fails, rather than after the pool's
 * connection timeout. The message names the server and the user; it never holds a password, and its cause is the
 * driver's error with any password taken out of its message.
 */
public final class DatabaseAuthenticationException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  private final String server;
  private final String user;
  private final String sqlState;

  DatabaseAuthenticationException(String message, String server, String user, String sqlState, Throwable cause) {
    super(message, cause);
    this.server = server;
    this.user = user;
    this.sqlState = sqlState;
  }

  /** The id of the server that refused the login (a replica's id, or the primary's). */
  public String server() {
    return server;
  }

  /** The user that was refused, when the DataSource tells it (a HikariCP pool does). */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The SQLState of the refusal, e.g. {@code 28P01} (wrong password) or {@code 28000}. */
  public String sqlState() {
    return sqlState;
  }
}
