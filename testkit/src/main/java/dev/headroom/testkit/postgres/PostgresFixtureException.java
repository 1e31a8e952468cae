package dev.headroom.testkit.postgres;

import dev.headroom.core.HeadroomException;

/**
 * A PostgreSQL fixture could not be set up or controlled: the server binaries are missing, a command failed (the
 * message carries the tail of its output or of the server log), or a server did not start in time.
 */
public final class PostgresFixtureException extends HeadroomException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public PostgresFixtureException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public PostgresFixtureException(String message, Throwable cause) {
    super(message, cause);
  }
}
