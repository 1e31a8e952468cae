package dev.headroom.testkit.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One PostgreSQL server of a {@link PostgresReplicaSet}: a primary or a streaming hot standby on a loopback port,
 * with its data directory inside the set's temporary directory. Connect as user {@link #user()} (trust
 * authentication, no password) to database {@link #database()}.
 *
 * <p>{@link #stop()} and {@link #start()} let a test take a server away and bring it back; {@link #crash()} stops
 * it the way a power cut would (no shutdown checkpoint). {@link #sql(String)} runs a statement with {@code psql}.
 */
public final class PostgresServer {
  private static final String HOST = "127.0.0.1";
  private static final String DATABASE = "postgres";

  private final String name;
  private final Path dataDir;
  private final Path logFile;
  private final Path socketDir;
  private final int port;
  private final PgTools tools;
  private final Duration timeout;
  private volatile boolean running;

  PostgresServer(String name, Path dataDir, Path socketDir, int port, PgTools tools, Duration timeout) {
    this.name = name;
    this.dataDir = dataDir;
    this.logFile = socketDir.resolve(name + ".log");
    this.socketDir = socketDir;
    this.port = port;
    this.tools = tools;
    this.timeout = timeout;
  }

  /** {@code primary}, or {@code standby-1}, {@code standby-2}, .... */
  public String name() {
    return name;
  }

  /** Always {@code 127.0.0.1}. */
  public String host() {
    return HOST;
  }

  /** The TCP port the server listens on (kept across {@link #stop()} and {@link #start()}). */
  public int port() {
    return port;
  }

  /** The superuser to connect as; trust authentication, so no password. */
  public String user() {
    return PgTools.OS_USER;
  }

  /** The database to connect to. */
  public String database() {
    return DATABASE;
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}; connect as {@link #user()}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
  }

  /** The server's data directory. */
  public Path dataDirectory() {
    return dataDir;
  }

  /** Whether the fixture started the server and has not stopped it since. */
  public boolean isRunning() {
    return running;
  }

  /** Starts the server and waits until it accepts connections (for a standby: until it is consistent). */
  public synchronized void start() {
    if (running) {
      return;
    }
    tools.run(socketDir, timeout.plusSeconds(5), "pg_ctl", "-D", dataDir.toString(), "-l", logFile.toString(),
        "-w", "-t", Long.toString(Math.max(1, timeout.toSeconds())), "-o", "-p " + port, "start");
    running = true;
  }

  /** Stops the server cleanly ({@code pg_ctl stop -m fast}: open sessions are terminated) and waits for it. */
  public synchronized void stop() {
    stop("fast");
  }

  /** Stops the server at once, without a shutdown checkpoint ({@code pg_ctl stop -m immediate}), like a crash. */
  public synchronized void crash() {
    stop("immediate");
  }

  private void stop(String mode) {
    if (!running) {
      return;
    }
    tools.run(socketDir, timeout.plusSeconds(5), "pg_ctl", "-D", dataDir.toString(), "-m", mode, "-w",
        "-t", Long.toString(Math.max(1, timeout.toSeconds())), "stop");
    running = false;
  }

  /**
   * Runs one SQL command with {@code psql} as {@link #user()} and returns its unaligned, tuples-only output, for
   * example {@code sql("SELECT pg_is_in_recovery()")} is {@code "t"} on a standby.
   */
  public String sql(String command) {
    return tools.run(socketDir, timeout, "psql", "-X", "-q", "-h", HOST, "-p", Integer.toString(port),
        "-U", user(), "-d", DATABASE, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", command);
  }

  /** The last {@code lines} lines of the server's log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops without waiting for a clean shutdown and without throwing; for close and the shutdown hook. */
  void stopQuietly() {
    try {
      crash();
    } catch (RuntimeException e) {
      running = false;
    }
  }

  @Override
  public String toString() {
    return "PostgresServer{" + name + " " + jdbcUrl() + (running ? "" : ", stopped") + '}';
  }
}
