package dev.headroom.testkit.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs PostgreSQL's server binaries. PostgreSQL refuses to run as root, so when this JVM is root (as in CI) every
 * command runs as the {@code postgres} OS user through {@code runuser}, and the fixture's directory is handed to
 * that user.
 */
final class PgTools {
  static final String OS_USER = "postgres";
  private static final String BIN_PROPERTY = "headroom.postgres.bin";
  private static final String BIN_ENV = "HEADROOM_POSTGRES_BIN";

  private final Path binDir;
  private final boolean root;

  private PgTools(Path binDir, boolean root) {
    this.binDir = binDir;
    this.root = root;
  }

  /**
   * Finds the binaries: {@code override}, else the {@code headroom.postgres.bin} system property or the
   * {@code HEADROOM_POSTGRES_BIN} environment variable, else {@code /usr/lib/postgresql/15/bin}, else the newest
   * {@code /usr/lib/postgresql/<version>/bin}.
   */
  static PgTools locate(Optional<Path> override) {
    Path bin = override
        .or(() -> Optional.ofNullable(System.getProperty(BIN_PROPERTY)).map(Path::of))
        .or(() -> Optional.ofNullable(System.getenv(BIN_ENV)).map(Path::of))
        .or(PgTools::debianDefault)
        .orElseThrow(() -> new PostgresFixtureException("PostgreSQL server binaries not found under "
            + "/usr/lib/postgresql/<version>/bin; install them (Debian: apt-get install postgresql-15) or set "
            + BIN_PROPERTY + " / " + BIN_ENV));
    if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
      throw new PostgresFixtureException("no initdb/pg_ctl in " + bin + " (install postgresql-15)");
    }
    return new PgTools(bin, isRoot());
  }

  private static Optional<Path> debianDefault() {
    Path preferred = Path.of("/usr/lib/postgresql/15/bin");
    if (Files.isExecutable(preferred.resolve("initdb"))) {
      return Optional.of(preferred);
    }
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingInt(PgTools::majorVersion));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The directory of the binaries. */
  Path binDir() {
    return binDir;
  }

  /** Makes {@code dir} usable by the server processes (owned by {@code postgres} when we are root). */
  void handOver(Path dir) {
    if (!root) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = lookup.lookupPrincipalByName(OS_USER);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(OS_USER);
      PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
      view.setOwner(user);
      view.setGroup(group);
    } catch (IOException e) {
      throw new PostgresFixtureException("cannot give " + dir + " to the '" + OS_USER + "' OS user (PostgreSQL "
          + "refuses to run as root; create that user, e.g. by installing postgresql-15)", e);
    }
  }

  /**
   * Runs {@code tool} from the bin directory with {@code args} in {@code workDir}, waiting at most {@code timeout}.
   *
   * @return the command's combined output
   * @throws PostgresFixtureException when it fails or times out, with its output
   */
  String run(Path workDir, Duration timeout, String tool, String... args) {
    List<String> command = new ArrayList<>();
    if (root) {
      command.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    command.add(binDir.resolve(tool).toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("PG")); // never aim at the machine's own server
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new PostgresFixtureException("cannot run " + command, e);
    }
    try {
      process.getOutputStream().close();
      OutputReader output = new OutputReader(process.getInputStream());
      output.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new PostgresFixtureException(tool + " did not finish within " + timeout + ": " + command
            + "\n" + output.text());
      }
      output.join(timeout.toMillis());
      if (process.exitValue() != 0) {
        throw new PostgresFixtureException(tool + " failed with exit code " + process.exitValue() + ": "
            + String.join(" ", command) + "\n" + output.text());
      }
      return output.text();
    } catch (IOException e) {
      throw new PostgresFixtureException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new PostgresFixtureException("interrupted while running " + tool, e);
    }
  }

  /** Drains a process's output on its own thread, so that a chatty command cannot block on a full pipe. */
  private static final class OutputReader extends Thread {
    private final InputStream in;
    private volatile String text = "";

    OutputReader(InputStream in) {
      super("headroom-pg-output");
      setDaemon(true);
      this.in = in;
    }

    @Override
    public void run() {
      try {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        text = "(output unreadable: " + e + ")";
      }
    }

    String text() {
      return text.strip();
    }
  }
}
