package dev.headroom.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link FleetReplica} started as a separate JVM, with its output collected. */
final class ReplicaProcess implements AutoCloseable {
  private static final Pattern STATS = Pattern.compile("(?:STATS|DONE) ok=(\\d+) errors=(\\d+)");

  final String id;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile long ok;
  private volatile long errors;
  private volatile boolean ready;

  private ReplicaProcess(String id, Process process) {
    this.id = id;
    this.process = process;
    Thread reader = new Thread(this::read, "replica-" + id + "-out");
    reader.setDaemon(true);
    reader.start();
  }

  static ReplicaProcess start(String id, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FleetReplica.class.getName());
    command.add("replica=" + id);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ReplicaProcess(id, process);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("READY")) {
          ready = true;
        }
        Matcher m = STATS.matcher(line);
        if (m.find()) {
          ok = Long.parseLong(m.group(1));
          errors = Long.parseLong(m.group(2));
        } else if (!line.startsWith("STATS")) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      lines.add("(output lost: " + e + ")");
    }
  }

  boolean ready() {
    return ready;
  }

  long ok() {
    return ok;
  }

  long errors() {
    return errors;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Lines other than the periodic stats: errors, log lines, DONE. */
  List<String> output() {
    return List.copyOf(lines);
  }

  /** Asks it to stop cleanly (it releases its permits and prints DONE). */
  void stop() throws IOException {
    Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    w.write("stop\n");
    w.flush();
  }

  /** kill -9. */
  void kill() {
    process.destroyForcibly();
  }

  Process process() {
    return process;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  @Override
  public String toString() {
    return "replica " + id + " ok=" + ok + " errors=" + errors + " " + output();
  }
}
