package dev.headroom.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL primary with one or more streaming hot standbys, in a fresh temporary directory on free
 * loopback ports, built with the server binaries of the machine ({@code /usr/lib/postgresql/15/bin}): {@code initdb},
 * {@code pg_ctl start}, {@code pg_basebackup -R -X stream -c fast} per standby, then each standby is started. It
 * takes about two seconds for a primary and one standby.
 *
 * <pre>{@code
 * try (PostgresReplicaSet pg = PostgresReplicaSet.start()) {
 *   String writes = pg.primary().jdbcUrl();   // jdbc:postgresql://127.0.0.1:<port>/postgres, user "postgres"
 *   String reads = pg.standby().jdbcUrl();
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops every server and deletes the directory; a JVM shutdown hook does the same if a test
 * forgets. When the JVM runs as root (PostgreSQL refuses to), the servers run as the {@code postgres} OS user. The
 * machine's own PostgreSQL (port 5432) is never touched: the servers listen on other ports and their sockets live
 * in the temporary directory. Settings favour speed over durability ({@code fsync = off}): test data only.
 */
public final class PostgresReplicaSet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresReplicaSet.class);

  private final Path directory;
  private final PostgresServer primary;
  private final List<PostgresServer> standbys = new CopyOnWriteArrayList<>();
  private final Thread shutdownHook;
  private boolean closed;

  private PostgresReplicaSet(Path directory, PostgresServer primary) {
    this.directory = directory;
    this.primary = primary;
    this.shutdownHook = new Thread(this::destroy, "headroom-pg-cleanup");
  }

  /** A primary and one standby with the default settings. */
  public static PostgresReplicaSet start() {
    return builder().start();
  }

  /** A builder: number of standbys, extra server settings, where the binaries are. */
  public static Builder builder() {
    return new Builder();
  }

  /** The primary. */
  public PostgresServer primary() {
    return primary;
  }

  /** The first standby. */
  public PostgresServer standby() {
    return standbys.get(0);
  }

  /** Every standby, in order. */
  public List<PostgresServer> standbys() {
    return List.copyOf(standbys);
  }

  /** The temporary directory that holds the data directories, sockets and logs. */
  public Path directory() {
    return directory;
  }

  /** Stops every server and deletes the directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    destroy();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it will find nothing left to do
    }
  }

  private synchronized void destroy() {
    if (closed) {
      return;
    }
    closed = true;
    standbys.forEach(PostgresServer::stopQuietly);
    primary.stopQuietly();
    deleteTree(directory);
  }

  @Override
  public String toString() {
    return "PostgresReplicaSet{" + primary + ", " + standbys + '}';
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }

  /** Builds and starts a {@link PostgresReplicaSet}. */
  public static final class Builder {
    private int standbys = 1;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Path binDirectory;
    private Duration timeout = Duration.ofSeconds(60);

    private Builder() {
      settings.put("listen_addresses", "'127.0.0.1'");
      settings.put("fsync", "off");
      settings.put("full_page_writes", "off");
      settings.put("shared_buffers", "16MB");
      settings.put("max_connections", "100");
      settings.put("max_wal_senders", "10");
      settings.put("wal_level", "replica");
      settings.put("hot_standby", "on");
      settings.put("wal_receiver_status_interval", "1s");
      settings.put("wal_keep_size", "'256MB'"); // a stopped standby can catch up when started again
      settings.put("log_min_messages", "warning");
      settings.put("log_line_prefix", "'%m [%p] '");
    }

    /** The number of streaming standbys, >= 0; default 1. */
    public Builder standbys(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("standbys must be >= 0 but was " + count);
      }
      this.standbys = count;
      return this;
    }

    /** Adds or overrides a {@code postgresql.conf} setting of every server, e.g. {@code ("work_mem", "'8MB'")}. */
    public Builder setting(String name, String value) {
      settings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Where {@code initdb}, {@code pg_ctl} and {@code pg_basebackup} are; found automatically by default. */
    public Builder binDirectory(Path dir) {
      this.binDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The most each step (initdb, start, base backup, stop) may take; default 60 s. */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
      return this;
    }

    /** Creates the servers and starts them; on failure everything started so far is removed again. */
    public PostgresReplicaSet start() {
      PgTools tools = PgTools.locate(Optional.ofNullable(binDirectory));
      Path dir;
      try {
        dir = Files.createTempDirectory("headroom-pg-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory", e);
      }
      tools.handOver(dir);
      int[] ports = freePorts(1 + standbys);
      PostgresServer primary = new PostgresServer("primary", dir.resolve("primary"), dir, ports[0], tools, timeout);
      PostgresReplicaSet set = new PostgresReplicaSet(dir, primary);
      Runtime.getRuntime().addShutdownHook(set.shutdownHook);
      long started = System.nanoTime();
      try {
        tools.run(dir, timeout, "initdb", "-D", primary.dataDirectory().toString(), "-U", PgTools.OS_USER,
            "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
        appendSettings(primary, ports[0]);
        primary.start();
        for (int i = 1; i <= standbys; i++) {
          PostgresServer standby = new PostgresServer("standby-" + i, dir.resolve("standby-" + i), dir, ports[i],
              tools, timeout);
          tools.run(dir, timeout, "pg_basebackup", "-h", primary.host(), "-p", Integer.toString(primary.port()),
              "-U", PgTools.OS_USER, "-D", standby.dataDirectory().toString(), "-R", "-X", "stream", "-c", "fast");
          appendSettings(standby, ports[i]);
          set.standbys.add(standby);
          standby.start();
        }
        if (standbys > 0) {
          set.awaitStreaming(standbys);
        }
        log.info("PostgreSQL primary on port {} with {} standby(s) ready in {} ms in {}", primary.port(), standbys,
            (System.nanoTime() - started) / 1_000_000, dir);
        return set;
      } catch (RuntimeException e) {
        String logs = "\nprimary log:\n" + primary.logTail(20);
        set.close();
        throw new PostgresFixtureException("could not start the PostgreSQL replica set: " + e.getMessage() + logs, e);
      }
    }

    private void appendSettings(PostgresServer server, int port) {
      StringBuilder conf = new StringBuilder("\n# headroom testkit\n");
      settings.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
      conf.append("port = ").append(port).append('\n');
      conf.append("unix_socket_directories = '").append(server.dataDirectory().getParent()).append("'\n");
      try {
        Files.writeString(server.dataDirectory().resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot configure " + server.name(), e);
      }
    }

    private static int[] freePorts(int count) {
      List<ServerSocket> sockets = new ArrayList<>();
      try {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
          ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          sockets.add(socket);
          ports[i] = socket.getLocalPort();
        }
        return ports;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find free loopback ports", e);
      } finally {
        for (ServerSocket socket : sockets) {
          try {
            socket.close();
          } catch (IOException ignored) {
            // nothing to do
          }
        }
      }
    }
  }

  /**
   * Waits (inside the primary, with a bounded server-side loop) until {@code count} standbys are streaming. The loop
   * runs in one transaction, which caches the backend status that {@code pg_stat_replication} reads, hence
   * {@code pg_stat_clear_snapshot()} on every turn.
   */
  private void awaitStreaming(int count) {
    primary.sql("DO $$ BEGIN FOR i IN 1..1500 LOOP "
        + "IF (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming') >= " + count + " THEN RETURN; END IF; "
        + "PERFORM pg_sleep(0.02); PERFORM pg_stat_clear_snapshot(); END LOOP; "
        + "RAISE EXCEPTION 'standbys not streaming after 30 s'; END $$");
  }
}
